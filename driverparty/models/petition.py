"""The petition record: a driver's request, wish, complaint, dispute, consultation or suggestion
(SPEC section 3)."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from driverparty.i18n import _
from driverparty.models.base import RecordModel, ordered
from driverparty.models.types import (
    AnyDate,
    Codes,
    Int,
    Label,
    Line,
    Name,
    PastDate,
    RecordId,
    Ref,
    Text,
)
from driverparty.schema import Registration

Channel = Annotated[
    str,
    Codes(
        {
            "mailbox": "解忧信箱",
            "hotline": "热线电话",
            "mini_program": "小程序",
            "forum": "座谈会",
            "visit": "走访",
            "walk_in": "来访",
            "other": "其他",
        }
    ),
]
PetitionKind = Annotated[
    str,
    Codes(
        {
            "request": "诉求",
            "wish": "微心愿",
            "complaint": "投诉",
            "dispute": "纠纷",
            "consultation": "咨询",
            "suggestion": "建议",
        }
    ),
]
CATEGORY = Codes(
    {
        "repair": "维修",
        "legal": "法律",
        "insurance": "保险",
        "social_security": "社保",
        "schooling": "子女入学",
        "medical": "就医",
        "hardship": "生活困难",
        "pricing": "运价",
        "parking": "停车",
        "charging": "充电",
        "rest": "休息",
        "labor": "劳动权益",
        "accident": "事故",
        "other": "其他",
    }
)
Category = Annotated[str, CATEGORY]
STATUS = Codes(
    {
        "received": "已收集",
        "assigned": "已转办",
        "resolved": "已办结",
        "closed": "已结案",
        "rejected": "不予受理",
        "withdrawn": "已撤回",
    }
)
Status = Annotated[str, STATUS]
OPEN_STATUSES = STATUS.subset("received", "assigned")
DONE_STATUSES = STATUS.subset("resolved", "closed")
CALLBACK = Codes(
    {
        "satisfied": "满意",
        "basic": "基本满意",
        "unsatisfied": "不满意",
        "unreachable": "未联系上",
    }
)
Callback = Annotated[str, CALLBACK]
#: the callbacks that reached the driver, and those of them that count as satisfied (满意率)
REACHED = CALLBACK.subset("satisfied", "basic", "unsatisfied")
SATISFIED = CALLBACK.subset("satisfied", "basic")


class Event(BaseModel):
    """One step of a petition's workflow log."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)

    on: PastDate
    status: Status
    note: Text | None = None
    by: Line | None = None


CATEGORIES = CATEGORY.codes


class Petition(RecordModel):
    registration: ClassVar[Registration] = Registration(
        name="petition",
        plural="petitions",
        prefix="P",
        zh="诉求",
        title="Drivers' petitions (诉求).",
        help="Drivers' petitions (诉求、微心愿): collect → transfer → resolve → follow-up.",
        table_columns=(
            "id",
            "received",
            "kind",
            "category",
            "status",
            "assignee",
            "due",
            "summary",
        ),
        add_example="--received 2025-03-02 --channel hotline --category repair "
        "--summary '货车维修点太远'",
        where_example="status=assigned",
        always_written=("kind", "status"),
    )

    id: Annotated[RecordId, Label("编号")]
    received: Annotated[PastDate, Label("收到日期", aliases=("收到时间", "受理日期", "受理时间"))]
    channel: Annotated[Channel, Label("渠道", aliases=("来源渠道", "诉求渠道"))]
    kind: Annotated[PetitionKind, Label("类型", aliases=("诉求类型",))] = "request"
    category: Annotated[Category, Label("类别", aliases=("诉求类别",))]
    summary: Annotated[Text, Label("内容摘要", aliases=("诉求内容", "内容"))]
    member: Annotated[RecordId | None, Ref("member"), Label("反映人")] = None
    submitter: Annotated[Name | None, Label("提交人", aliases=("诉求人",))] = None
    station: Annotated[RecordId | None, Ref("station"), Label("收集站点")] = None
    status: Annotated[Status, Label("状态")] = "received"
    assignee: Annotated[Line | None, Label("承办方", aliases=("承办单位", "承办部门"))] = None
    due: Annotated[AnyDate | None, Label("办结时限")] = None
    extended_on: Annotated[PastDate | None, Label("延期日期")] = None
    assigned_on: Annotated[PastDate | None, Label("转办日期")] = None
    resolved_on: Annotated[PastDate | None, Label("办结日期")] = None
    closed_on: Annotated[PastDate | None, Label("结案日期")] = None
    resolution: Annotated[Text | None, Label("办理结果", aliases=("办理情况",))] = None
    satisfaction: Annotated[Int | None, Field(ge=1, le=5), Label("满意度")] = None
    callback_on: Annotated[PastDate | None, Label("回访日期")] = None
    callback: Annotated[Callback | None, Label("回访结果")] = None
    events: Annotated[list[Event], Label("办理记录")] = Field(default_factory=list)

    def rules(self) -> list[tuple[str, str]]:
        problems = ordered(
            [
                ("received", self.received),
                ("assigned_on", self.assigned_on),
                ("resolved_on", self.resolved_on),
                ("closed_on", self.closed_on),
            ]
        )
        if self.due and self.due < self.received:
            problems.append(("due", _("before received")))
        status = self.status
        needs = {
            "assigned": ("assignee", "assigned_on"),
            "resolved": ("assignee", "assigned_on", "resolved_on", "resolution"),
            "closed": ("assignee", "assigned_on", "resolved_on", "closed_on", "resolution"),
        }.get(status, ())
        for name in needs:
            if getattr(self, name) is None:
                problems.append(
                    (name, _("required when the status is {status}").format(status=status))
                )
        not_yet = {
            "received": ("assigned_on", "resolved_on", "closed_on"),
            "assigned": ("resolved_on", "closed_on"),
            "resolved": ("closed_on",),
        }.get(status, ())
        for name in not_yet:
            if getattr(self, name) is not None:
                problems.append(
                    (name, _("set, but the status is only {status}").format(status=status))
                )
        if self.extended_on and self.extended_on < self.received:
            problems.append(("extended_on", _("before received")))
        if self.extended_on and self.due is None:
            problems.append(("due", _("required when extended_on is set")))
        if self.callback_on and not self.callback:
            problems.append(("callback", _("required with callback_on")))
        if self.callback and not self.callback_on:
            problems.append(("callback_on", _("required with callback")))
        if self.callback_on:
            if status not in DONE_STATUSES:
                problems.append(
                    ("callback_on", _("set, but the status is {status}").format(status=status))
                )
            elif self.resolved_on and self.callback_on < self.resolved_on:
                problems.append(
                    (
                        "callback_on",
                        _("{isoformat} is before resolved_on ({isoformat2})").format(
                            isoformat=self.callback_on.isoformat(),
                            isoformat2=self.resolved_on.isoformat(),
                        ),
                    )
                )
        for i, event in enumerate(self.events, 1):
            if event.on < self.received:
                problems.append((f"events[{i}].on", _("before received")))
        return problems
