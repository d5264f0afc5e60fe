"""The activity record: something organised and counted — a meeting of organisational life
(三会一课, 主题党日), a training, a volunteer run, a care visit, a station's service tally
(SPEC section 3, "activity"; issue 20)."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from driverparty.i18n import _
from driverparty.models.base import RecordModel
from driverparty.models.types import Codes, Float, Int, Label, Name, PastDate, RecordId, Ref, Text
from driverparty.schema import Registration

KIND = Codes(
    {
        "meeting": "支部党员大会",
        "committee_meeting": "支委会",
        "group_meeting": "党小组会",
        "lecture": "党课",
        "theme_day": "主题党日",
        "training": "培训",
        "volunteer": "志愿服务",
        "send_exam": "爱心送考",
        "care_visit": "走访慰问",
        "legal_aid": "法律援助",
        "safety": "安全宣传",
        "anti_fraud": "反诈宣传",
        "station_service": "站点服务",
        "other": "其他",
    }
)
ActivityKind = Annotated[str, KIND]
ACTIVITY_KINDS = KIND.codes
#: Organisational life (三会一课 and 主题党日) and how often the Party's rules ask a branch to
#: hold each (SPEC section 2: the defaults of ``[organisational_life]`` in driverparty.toml). A
#: branch holds these, so an activity of these kinds names it (``report meetings``).
LIFE_EVERY = {
    "meeting": "quarter",
    "committee_meeting": "month",
    "group_meeting": "month",
    "lecture": "quarter",
    "theme_day": "month",
}
ORGANISATIONAL_LIFE = tuple(c for c in KIND.codes if c in KIND.subset(*LIFE_EVERY))

Count = Annotated[Int, Field(ge=0)]


class Activity(RecordModel):
    registration: ClassVar[Registration] = Registration(
        name="activity",
        plural="activities",
        prefix="A",
        zh="活动",
        title="Activities: meetings, trainings, volunteer runs (活动).",
        help="Activities (活动): organisational life (三会一课、主题党日), trainings, volunteer "
        "runs, care visits, legal aid, safety talks, a station's service tally — who took "
        "part and what was counted.",
        table_columns=("id", "date", "kind", "title", "branch", "station", "served", "hours"),
        add_example="--date 2026-06-12 --kind theme_day --title 六月主题党日 --branch B-0002 "
        "--participant M-0003,M-0004 --expected 8 --hours 2",
        where_example="kind=meeting,lecture --where date>=2026-04-01",
        update_example="--served 120 --notes 另有群众司机参加",
    )

    id: Annotated[RecordId, Label("编号")]
    # aliases: the headers a county's activity ledger (活动台账) and sign-in sheets use (issue 19)
    date: Annotated[PastDate, Label("日期", aliases=("活动日期", "活动时间", "开展时间", "时间"))]
    kind: Annotated[ActivityKind, Label("类型", aliases=("活动类型", "活动类别", "类别"))]
    title: Annotated[Name, Label("主题", aliases=("活动主题", "活动名称", "活动内容", "名称"))]
    branch: Annotated[
        RecordId | None,
        Ref("branch"),
        Label("组织支部", aliases=("党支部", "支部", "党组织", "组织单位")),
    ] = None
    station: Annotated[
        RecordId | None, Ref("station"), Label("活动地点", aliases=("地点", "站点", "服务站点"))
    ] = None
    participants: Annotated[
        list[Annotated[RecordId, Ref("member")]],
        Label("参加党员", aliases=("参会党员", "参加人员", "参与党员", "实到党员")),
    ] = Field(default_factory=list)
    expected: Annotated[Count | None, Label("应到人数", aliases=("应到", "应参加人数"))] = None
    on_leave: Annotated[Count | None, Label("请假人数", aliases=("请假", "请假党员"))] = None
    others: Annotated[
        Count | None, Label("其他参加人数", aliases=("群众人数", "其他人员", "其他参加人员"))
    ] = None
    served: Annotated[
        Count | None, Label("服务人次", aliases=("服务人数", "受益人次", "服务对象人次"))
    ] = None
    vehicles: Annotated[
        Count | None, Label("车辆", aliases=("车辆数", "出动车辆", "车辆（辆）"))
    ] = None
    trips: Annotated[Count | None, Label("台次", aliases=("车次", "出车台次"))] = None
    amount: Annotated[
        Float | None,
        Field(ge=0),
        Label("金额（元）", aliases=("金额(元)", "金额", "慰问金额", "资金（元）")),
    ] = None
    hours: Annotated[
        Float | None, Field(ge=0, le=24), Label("学时", aliases=("学时数", "时长（小时）"))
    ] = None
    notes: Annotated[Text | None, Label("备注", aliases=("说明",))] = None

    def rules(self) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        if self.kind in ORGANISATIONAL_LIFE and self.branch is None:
            word = KIND.zh[self.kind]
            problems.append(
                (
                    "branch",
                    _("required: {kind} ({word}) is held by a branch").format(
                        kind=self.kind, word=word
                    ),
                )
            )
        twice = sorted({m for m in self.participants if self.participants.count(m) > 1})
        if twice:
            problems.append(
                ("participants", _("lists {ids} more than once").format(ids=", ".join(twice)))
            )
        if self.expected is not None:
            present = len(self.participants) + (self.on_leave or 0)
            if self.expected < present:
                problems.append(
                    (
                        "expected",
                        _(
                            "{expected} is fewer than the participants and those on leave "
                            "({participants} + {on_leave})"
                        ).format(
                            expected=self.expected,
                            participants=len(self.participants),
                            on_leave=self.on_leave or 0,
                        ),
                    )
                )
        return problems
