"""The member record: a driver on the roster or in the recruitment pipeline (SPEC section 3)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar

from driverparty.models.base import RecordModel, ordered
from driverparty.models.types import (
    Bool,
    Codes,
    IdNumber,
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


def probation_ends(probationary_on: date) -> date:
    """The day the probation year ends: one calendar year later (29 Feb → 1 Mar)."""
    try:
        return probationary_on.replace(year=probationary_on.year + 1)
    except ValueError:
        return date(probationary_on.year + 1, 3, 1)


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
    name: Annotated[Name, Label("姓名")]
    gender: Annotated[Gender | None, Label("性别")] = None
    birth_date: Annotated[PastDate | None, Label("出生日期")] = None
    phone: Annotated[Phone | None, Label("手机号")] = None
    id_number: Annotated[IdNumber | None, Label("身份证号")] = None
    occupation: Annotated[Occupation, Label("职业")]
    employer: Annotated[Line | None, Label("单位/平台")] = None
    plate: Annotated[Plate | None, Label("车牌")] = None
    stage: Annotated[Stage, Label("阶段")]
    applied_on: Annotated[PastDate | None, Label("申请日期")] = None
    activist_on: Annotated[PastDate | None, Label("积极分子日期")] = None
    candidate_on: Annotated[PastDate | None, Label("发展对象日期")] = None
    probationary_on: Annotated[PastDate | None, Label("预备党员日期")] = None
    full_on: Annotated[PastDate | None, Label("转正日期")] = None
    branch: Annotated[RecordId | None, Ref("branch"), Label("所属支部")] = None
    mobile: Annotated[Bool, Label("流动党员")] = False
    home_org: Annotated[Line | None, Label("组织关系所在")] = None
    verification: Annotated[Verification | None, Label("核实状态")] = None
    verified_on: Annotated[PastDate | None, Label("核实日期")] = None
    station: Annotated[RecordId | None, Ref("station"), Label("报到点")] = None
    tags: Annotated[list[Token], Label("标签")] = []
    left_on: Annotated[PastDate | None, Label("离开日期")] = None
    left_reason: Annotated[Line | None, Label("离开原因")] = None
    notes: Annotated[Text | None, Label("备注")] = None

    def rules(self) -> list[tuple[str, str]]:
        problems: list[tuple[str, str]] = []
        reached = STAGES.index(self.stage)
        for i, name in enumerate(STAGE_DATES):
            if i > reached and getattr(self, name) is not None:
                problems.append((name, f"set, but the stage is only {self.stage}"))
        problems += ordered([(name, getattr(self, name)) for name in STAGE_DATES])
        if self.full_on and self.probationary_on:
            ends = probation_ends(self.probationary_on)
            if self.full_on < ends:
                problems.append(("full_on", f"before the probation year ends ({ends.isoformat()})"))
        if self.id_number and self.birth_date:
            born = id_number_birth_date(self.id_number)
            if born and born != self.birth_date:
                problems.append(
                    (
                        "id_number",
                        f"its birth date {born.isoformat()} does not agree "
                        f"with birth_date {self.birth_date.isoformat()}",
                    )
                )
        if self.verification and not self.verified_on:
            problems.append(("verified_on", "required when verification is set"))
        if self.left_on and not self.left_reason:
            problems.append(("left_reason", "required with left_on"))
        if self.left_reason and not self.left_on:
            problems.append(("left_on", "required with left_reason"))
        return problems

    @property
    def is_party(self) -> bool:
        return self.stage in PARTY_STAGES
