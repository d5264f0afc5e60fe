"""The branch record: a party organisation (SPEC section 3, "branch")."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from driverparty.models.base import RecordModel, ordered
from driverparty.models.types import Codes, Label, Line, Name, PastDate, RecordId, Ref, Text

BranchKind = Annotated[
    Literal["committee", "general_branch", "branch", "joint_branch", "mobile_branch"],
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
    Literal["truck", "ride_hailing", "taxi", "delivery", "hazmat", "other"],
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
    record_kind: ClassVar[str] = "branch"
    prefix: ClassVar[str] = "B"
    zh: ClassVar[str] = "党组织"
    table_columns: ClassVar[tuple[str, ...]] = (
        "id",
        "name",
        "kind",
        "parent",
        "host",
        "secretary",
        "founded",
    )

    id: Annotated[RecordId, Label("编号")]
    name: Annotated[Name, Label("名称")]
    kind: Annotated[BranchKind, Label("类型")]
    parent: Annotated[RecordId | None, Ref("branch"), Label("上级组织")] = None
    county: Annotated[Line | None, Label("县区")] = None
    host: Annotated[Line | None, Label("依托单位")] = None
    sectors: Annotated[list[Sector], Label("行业")] = []
    secretary: Annotated[RecordId | None, Ref("member"), Label("书记")] = None
    founded: Annotated[PastDate, Label("成立日期")]
    dissolved: Annotated[PastDate | None, Label("撤销日期")] = None
    brand: Annotated[Line | None, Label("党建品牌")] = None
    notes: Annotated[Text | None, Label("备注")] = None

    def rules(self) -> list[tuple[str, str]]:
        return ordered([("founded", self.founded), ("dissolved", self.dissolved)])
