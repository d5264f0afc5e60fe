"""The branch record: a party organisation (SPEC section 3, "branch")."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from driverparty.models.base import RecordModel, ordered
from driverparty.models.types import Codes, Label, Line, Name, PastDate, RecordId, Ref, Text
from driverparty.schema import Registration

BranchKind = Annotated[
    str,
    Codes(
        {
            "committee": "行业党委",
            "general_branch": "党总支",
            "branch": "党支部",
            "joint_branch": "联合党支部",
            "mobile_branch": "流动党员党支部",
        }
    ),
]
Sector = Annotated[
    str,
    Codes(
        {
            "truck": "货车",
            "ride_hailing": "网约车",
            "taxi": "出租车",
            "delivery": "快递外卖",
            "hazmat": "危货运输",
            "other": "其他",
        }
    ),
]


class Branch(RecordModel):
    registration: ClassVar[Registration] = Registration(
        name="branch",
        plural="branches",
        prefix="B",
        zh="党组织",
        title="Party branches (党组织).",
        help="Party branches (党组织): committees, branches, joint and mobile branches.",
        table_columns=("id", "name", "kind", "parent", "host", "secretary", "founded"),
        add_example="--name 滴滴出行贺州办事处党支部 --kind branch --founded 2023-07-01 "
        "--parent B-0001",
        where_example="kind=branch",
        active=("founded", "dissolved"),
        inactive="Dissolved branches",
    )

    id: Annotated[RecordId, Label("编号")]
    name: Annotated[Name, Label("名称", aliases=("党组织名称", "组织名称", "支部名称"))]
    kind: Annotated[BranchKind, Label("类型", aliases=("组织类别", "党组织类别"))]
    parent: Annotated[
        RecordId | None, Ref("branch"), Label("上级组织", aliases=("上级党组织",))
    ] = None
    county: Annotated[Line | None, Label("县区")] = None
    host: Annotated[Line | None, Label("依托单位", aliases=("依托企业",))] = None
    sectors: Annotated[list[Sector], Label("行业")] = Field(default_factory=list)
    secretary: Annotated[
        RecordId | None, Ref("member"), Label("书记", aliases=("支部书记", "党组织书记"))
    ] = None
    founded: Annotated[PastDate, Label("成立日期", aliases=("成立时间",))]
    dissolved: Annotated[PastDate | None, Label("撤销日期", aliases=("撤销时间",))] = None
    brand: Annotated[Line | None, Label("党建品牌")] = None
    notes: Annotated[Text | None, Label("备注", aliases=("说明",))] = None

    def rules(self) -> list[tuple[str, str]]:
        return ordered([("founded", self.founded), ("dissolved", self.dissolved)])
