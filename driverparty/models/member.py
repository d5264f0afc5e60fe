"""The member record: a driver on the roster or in the recruitment pipeline (SPEC section 3)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from pydantic import Field

from driverparty.i18n import N_, _
from driverparty.models.base import RecordModel, ordered
from driverparty.models.types import (
    AnyDate,
    Bool,
    Codes,
    IdNumber,
    Int,
    Label,
    Line,
    Name,
    PastDate,
    Phone,
    Plate,
    RecordId,
    Ref,
    Text,
    Token,
    id_number_birth_date,
)
from driverparty.schema import Registration

STAGE = Codes(
    {
        "applicant": "入党申请人",
        "activist": "积极分子",
        "candidate": "发展对象",
        "probationary": "预备党员",
        "full": "正式党员",
    }
)
Stage = Annotated[str, STAGE]
STAGES = STAGE.codes
STAGE_DATES: tuple[str, ...] = (
    "applied_on",
    "activist_on",
    "candidate_on",
    "probationary_on",
    "full_on",
)
PARTY_STAGES = STAGE.subset("probationary", "full")

Occupation = Annotated[
    str,
    Codes(
        {
            "truck": "货车司机",
            "ride_hailing": "网约车司机",
            "taxi": "出租车司机",
            "delivery": "快递外卖员",
            "other": "其他",
        }
    ),
]
Gender = Annotated[str, Codes({"male": "男", "female": "女"})]
Verification = Annotated[str, Codes({"screened": "初筛", "confirmed": "核实", "archived": "建档"})]

LEFT_KIND = Codes(
    {
        "moved": "迁出",
        "transferred_out": "组织关系转出",
        "left_trade": "离开行业",
        "not_member": "核实非党员",
        "probation_cancelled": "取消预备党员资格",
        "lapsed": "自行脱党",
        "expelled": "开除党籍",
        "deceased": "去世",
        "other": "其他",
    }
)
LeftKind = Annotated[str, LEFT_KIND]
#: 《中国共产党发展党员工作细则》: an applicant is at least 18 (第五条); an activist is trained
#: at least a year before becoming a candidate (第十五条); a probation of one year (第二十九条)
#: may be extended once by six months to a year (第三十二条).
ADULT_YEARS = 18
ACTIVIST_YEARS = 1
EXTENSION_MONTHS = (6, 12)
MAX_CONTACTS = 2


def add_months(day: date, months: int) -> date:
    """``day`` plus whole calendar months; a day the target month lacks becomes the first of
    the month after (31 Aug + 6 months → 1 Mar, as 29 Feb + 1 year → 1 Mar)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    try:
        return date(year, month + 1, day.day)
    except ValueError:
        year, month = divmod(index + 1, 12)
        return date(year, month + 1, 1)


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)


def probation_ends(probationary_on: date) -> date:
    """The day the probation year ends: one calendar year later (29 Feb → 1 Mar)."""
    return add_years(probationary_on, 1)


def extension_bounds(probationary_on: date) -> tuple[date, date]:
    """The earliest and the latest day an extended probation may end: six months to a year
    after the probation year ends."""
    ends = probation_ends(probationary_on)
    return add_months(ends, EXTENSION_MONTHS[0]), add_months(ends, EXTENSION_MONTHS[1])


def full_day(probationary_on: date, extended_to: date | None) -> date:
    """The day a probationary member becomes full: the end of probation (party age counts from
    it), the extended end when probation was extended."""
    return extended_to or probation_ends(probationary_on)


def vote_problem(eligible: int, present: int, in_favour: int) -> str | None:
    """What is wrong with a branch meeting's vote admitting a member, or None: over half of the
    eligible full members present, over half of them for, for ≤ present ≤ eligible."""
    if present > eligible:
        return _("{present} present, but only {eligible} eligible").format(
            present=present, eligible=eligible
        )
    if in_favour > present:
        return _("{in_favour} for, but only {present} present").format(
            in_favour=in_favour, present=present
        )
    need = eligible // 2 + 1
    refusals = (
        (
            present,
            N_(
                "{count} of {eligible} eligible present; more than half (at least {need}) must be "
                "present"
            ),
        ),
        (
            in_favour,
            N_(
                "{count} of {eligible} eligible for; more than half (at least {need}) must vote for"
            ),
        ),
    )
    for count, refusal in refusals:
        if count < need:
            return _(refusal).format(count=count, eligible=eligible, need=need)
    return None


class Member(RecordModel):
    registration: ClassVar[Registration] = Registration(
        name="member",
        plural="members",
        prefix="M",
        zh="成员",
        title="Members and the pipeline (党员).",
        help="Members (党员) and the recruitment pipeline, verification, check-in.",
        table_columns=(
            "id",
            "name",
            "occupation",
            "employer",
            "stage",
            "branch",
            "phone",
            "verification",
        ),
        add_example="--name 王建国 --occupation truck --stage applicant --phone 13812345678",
        where_example="stage=full --where branch=",
        active=(None, "left_on"),
        inactive="Members who left",
    )

    id: Annotated[RecordId, Label("编号")]
    name: Annotated[Name, Label("姓名", aliases=("党员姓名", "司机姓名"))]
    gender: Annotated[Gender | None, Label("性别")] = None
    birth_date: Annotated[
        PastDate | None, Label("出生日期", aliases=("出生年月日", "出生年月", "生日"))
    ] = None
    phone: Annotated[
        Phone | None,
        Label("手机号", aliases=("手机号码", "联系电话", "手机", "电话", "电话号码", "联系方式")),
    ] = None
    id_number: Annotated[
        IdNumber | None,
        Label("身份证号", aliases=("身份证号码", "公民身份号码", "身份证", "证件号码")),
    ] = None
    occupation: Annotated[Occupation, Label("职业", aliases=("从业类型", "职业类型", "司机类型"))]
    employer: Annotated[
        Line | None,
        Label(
            "单位/平台",
            aliases=("工作单位", "单位", "所在单位", "单位名称", "平台", "所属平台", "所属企业"),
        ),
    ] = None
    plate: Annotated[Plate | None, Label("车牌", aliases=("车牌号", "车牌号码"))] = None
    stage: Annotated[Stage, Label("阶段", aliases=("发展阶段", "党员类别"))]
    applied_on: Annotated[
        PastDate | None, Label("申请日期", aliases=("申请入党日期", "入党申请日期", "申请入党时间"))
    ] = None
    activist_on: Annotated[
        PastDate | None, Label("积极分子日期", aliases=("确定积极分子日期", "列为积极分子日期"))
    ] = None
    candidate_on: Annotated[
        PastDate | None, Label("发展对象日期", aliases=("确定发展对象日期", "列为发展对象日期"))
    ] = None
    probationary_on: Annotated[
        PastDate | None, Label("预备党员日期", aliases=("入党日期", "入党时间", "接收预备党员日期"))
    ] = None
    full_on: Annotated[PastDate | None, Label("转正日期", aliases=("转正时间",))] = None
    contacts: Annotated[
        list[Annotated[RecordId, Ref("member")]],
        Field(max_length=MAX_CONTACTS),
        Label("培养联系人"),
    ] = Field(default_factory=list)
    trained_on: Annotated[PastDate | None, Label("集中培训日期")] = None
    vote_eligible: Annotated[Int | None, Field(ge=0), Label("应到会有表决权党员")] = None
    vote_present: Annotated[Int | None, Field(ge=0), Label("实到会有表决权党员")] = None
    vote_for: Annotated[Int | None, Field(ge=0), Label("赞成票")] = None
    probation_extended_to: Annotated[AnyDate | None, Label("延长预备期至")] = None
    branch: Annotated[
        RecordId | None,
        Ref("branch"),
        Label("所属支部", aliases=("支部", "党支部", "所在支部", "所属党组织", "所在党组织")),
    ] = None
    mobile: Annotated[Bool, Label("流动党员", aliases=("是否流动党员",))] = False
    home_org: Annotated[
        Line | None,
        Label("组织关系所在", aliases=("组织关系所在地", "组织关系所在单位", "组织关系")),
    ] = None
    verification: Annotated[Verification | None, Label("核实状态")] = None
    verified_on: Annotated[PastDate | None, Label("核实日期")] = None
    station: Annotated[
        RecordId | None, Ref("station"), Label("报到点", aliases=("报到站点", "报到地点"))
    ] = None
    tags: Annotated[list[Token], Label("标签")] = Field(default_factory=list)
    left_on: Annotated[PastDate | None, Label("离开日期")] = None
    left_reason: Annotated[Line | None, Label("离开原因")] = None
    left_kind: Annotated[LeftKind | None, Label("离开类别")] = None
    notes: Annotated[Text | None, Label("备注", aliases=("说明",))] = None

    @property
    def born(self) -> date | None:
        """The birth date, from ``birth_date`` or else from the ID number."""
        if self.birth_date:
            return self.birth_date
        return id_number_birth_date(self.id_number) if self.id_number else None

    def rules(self) -> list[tuple[str, str]]:
        """SPEC section 3 "member": each rule only where its values are there, so a legacy
        roster with a stage and no dates stays valid (issue 21)."""
        problems: list[tuple[str, str]] = []
        reached = STAGES.index(self.stage)
        for i, name in enumerate(STAGE_DATES):
            if i > reached and getattr(self, name) is not None:
                problems.append(
                    (name, _("set, but the stage is only {stage}").format(stage=self.stage))
                )
        problems += ordered([(name, getattr(self, name)) for name in STAGE_DATES])
        problems += self._pipeline_rules(reached)
        if self.id_number and self.birth_date:
            born = id_number_birth_date(self.id_number)
            if born and born != self.birth_date:
                problems.append(
                    (
                        "id_number",
                        _(
                            "its birth date {isoformat} does not agree with birth_date {isoformat2}"
                        ).format(
                            isoformat=born.isoformat(), isoformat2=self.birth_date.isoformat()
                        ),
                    )
                )
        if self.verification and not self.verified_on:
            problems.append(("verified_on", _("required when verification is set")))
        if self.left_on and not self.left_reason:
            problems.append(("left_reason", _("required with left_on")))
        if self.left_reason and not self.left_on:
            problems.append(("left_on", _("required with left_reason")))
        if self.left_kind and not self.left_on:
            problems.append(("left_on", _("required with left_kind")))
        if self.left_kind == "probation_cancelled" and self.stage != "probationary":
            problems.append(
                (
                    "left_kind",
                    _("probation_cancelled, but the stage is {stage}").format(stage=self.stage),
                )
            )
        return problems

    def _pipeline_rules(self, reached: int) -> list[tuple[str, str]]:
        """The rules of 《中国共产党发展党员工作细则》 on the stage dates, the vote, the training
        and the probation."""
        problems: list[tuple[str, str]] = []
        born = self.born
        first = next(
            ((n, getattr(self, n)) for n in STAGE_DATES if getattr(self, n) is not None), None
        )
        if born and first:
            adult = add_years(born, ADULT_YEARS)
            if first[1] < adult:
                problems.append(
                    (
                        first[0],
                        _(
                            "{isoformat} is before the 18th birthday ({isoformat2}): an applicant "
                            "must be at least 18"
                        ).format(isoformat=first[1].isoformat(), isoformat2=adult.isoformat()),
                    )
                )
        if self.activist_on and self.candidate_on:
            earliest = add_years(self.activist_on, ACTIVIST_YEARS)
            if self.candidate_on < earliest:
                problems.append(
                    (
                        "candidate_on",
                        _(
                            "{isoformat} is less than a year after activist_on ({isoformat2}): "
                            "not before {isoformat3}"
                        ).format(
                            isoformat=self.candidate_on.isoformat(),
                            isoformat2=self.activist_on.isoformat(),
                            isoformat3=earliest.isoformat(),
                        ),
                    )
                )
        if self.contacts:
            if reached < STAGES.index("activist"):
                problems.append(
                    ("contacts", _("set, but the stage is only {stage}").format(stage=self.stage))
                )
            if len(set(self.contacts)) < len(self.contacts):
                problems.append(("contacts", _("names the same member twice")))
            if self.id in self.contacts:
                problems.append(("contacts", _("a member cannot be their own contact")))
        if self.trained_on:
            if reached < STAGES.index("candidate"):
                problems.append(
                    ("trained_on", _("set, but the stage is only {stage}").format(stage=self.stage))
                )
            if self.candidate_on and self.trained_on < self.candidate_on:
                problems.append(
                    (
                        "trained_on",
                        _("{isoformat} is before candidate_on ({isoformat2})").format(
                            isoformat=self.trained_on.isoformat(),
                            isoformat2=self.candidate_on.isoformat(),
                        ),
                    )
                )
            if self.probationary_on and self.trained_on > self.probationary_on:
                problems.append(
                    (
                        "trained_on",
                        _(
                            "{isoformat} is after probationary_on ({isoformat2}): training comes "
                            "first"
                        ).format(
                            isoformat=self.trained_on.isoformat(),
                            isoformat2=self.probationary_on.isoformat(),
                        ),
                    )
                )
        votes = (self.vote_eligible, self.vote_present, self.vote_for)
        names = ("vote_eligible", "vote_present", "vote_for")
        if any(v is not None for v in votes):
            missing = [n for n, v in zip(names, votes, strict=True) if v is None]
            if missing:
                needs = _("the vote needs all three: eligible, present, for")
                problems += [(n, needs) for n in missing]
            elif problem := vote_problem(*votes):  # type: ignore[arg-type]
                problems.append(("vote_present", problem))
            if reached < STAGES.index("probationary"):
                problems.append(
                    (
                        "vote_eligible",
                        _("set, but the stage is only {stage}").format(stage=self.stage),
                    )
                )
        if self.probation_extended_to:
            if self.probationary_on is None:
                problems.append(("probation_extended_to", _("needs probationary_on")))
            else:
                low, high = extension_bounds(self.probationary_on)
                if not low <= self.probation_extended_to <= high:
                    problems.append(
                        (
                            "probation_extended_to",
                            _(
                                "must be 6 to 12 months after the probation year ends: from "
                                "{isoformat} to {isoformat2}"
                            ).format(isoformat=low.isoformat(), isoformat2=high.isoformat()),
                        )
                    )
        if self.full_on and self.probationary_on:
            due = full_day(self.probationary_on, self.probation_extended_to)
            if self.full_on != due:
                extended = " (extended)" if self.probation_extended_to else ""
                problems.append(
                    (
                        "full_on",
                        _(
                            "{isoformat} is not the end of probation{extended}: must be "
                            "{isoformat2}"
                        ).format(
                            isoformat=self.full_on.isoformat(),
                            extended=extended,
                            isoformat2=due.isoformat(),
                        ),
                    )
                )
        return problems

    @property
    def is_party(self) -> bool:
        return self.stage in PARTY_STAGES
