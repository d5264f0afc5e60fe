"""The station record: a place serving drivers (SPEC section 3, "station")."""

from __future__ import annotations

from typing import Annotated, ClassVar

from pydantic import Field

from driverparty.i18n import _
from driverparty.models.base import RecordModel, ordered
from driverparty.models.types import (
    Codes,
    Float,
    Hours,
    Label,
    Line,
    Name,
    PastDate,
    RecordId,
    Ref,
    Text,
)
from driverparty.schema import Registration

StationKind = Annotated[
    str,
    Codes(
        {
            "rest_stop": "驿站",
            "drivers_home": "司机之家",
            "service_center": "党群服务中心",
            "partner_store": "暖新商家",
        }
    ),
]
AMENITY = Codes(
    {
        "water": "饮水",
        "microwave": "微波炉",
        "charging": "充电",
        "first_aid": "急救药箱",
        "books": "书籍",
        "restroom": "卫生间",
        "shower": "淋浴",
        "laundry": "洗衣",
        "wifi": "无线网络",
        "parking": "停车",
        "lodging": "住宿",
        "meals": "餐食",
        "kitchen": "厨房",
        "fitness": "健身",
        "legal_aid": "法律援助",
        "mailbox": "解忧信箱",
        "repair": "维修",
        "medical": "医疗",
        "tv": "电视",
    }
)
Amenity = Annotated[str, AMENITY]
AMENITIES = AMENITY.codes


class Station(RecordModel):
    registration: ClassVar[Registration] = Registration(
        name="station",
        plural="stations",
        prefix="S",
        zh="服务站点",
        title="Driver service stations (驿站).",
        help="Driver service stations (驿站、司机之家、党群服务中心、暖新商家).",
        table_columns=("id", "name", "kind", "county", "branch", "opened", "hours"),
        add_example="--name 爱莲驿站 --kind rest_stop --opened 2024-05-01 "
        "--amenities water,charging",
        where_example="amenities=charging",
        active=("opened", "closed"),
        inactive="Closed stations",
    )

    id: Annotated[RecordId, Label("编号")]
    name: Annotated[Name, Label("名称", aliases=("站点名称",))]
    kind: Annotated[StationKind, Label("类型", aliases=("站点类型",))]
    county: Annotated[Line | None, Label("县区")] = None
    address: Annotated[Line | None, Label("地址", aliases=("详细地址", "站点地址"))] = None
    lat: Annotated[Float | None, Field(ge=-90, le=90), Label("纬度")] = None
    lon: Annotated[Float | None, Field(ge=-180, le=180), Label("经度")] = None
    host: Annotated[Line | None, Label("运营方", aliases=("运营单位", "建设单位"))] = None
    branch: Annotated[
        RecordId | None, Ref("branch"), Label("责任支部", aliases=("责任党组织",))
    ] = None
    opened: Annotated[PastDate, Label("启用日期", aliases=("启用时间", "建成日期"))]
    closed: Annotated[PastDate | None, Label("关闭日期")] = None
    hours: Annotated[Hours | None, Label("开放时间", aliases=("服务时间", "开放时段"))] = None
    amenities: Annotated[list[Amenity], Label("设施", aliases=("服务设施", "配套设施"))] = Field(
        default_factory=list
    )
    notes: Annotated[Text | None, Label("备注", aliases=("说明",))] = None

    def rules(self) -> list[tuple[str, str]]:
        problems = ordered([("opened", self.opened), ("closed", self.closed)])
        if (self.lat is None) != (self.lon is None):
            missing = "lon" if self.lon is None else "lat"
            problems.append((missing, _("lat and lon go together: set both or neither")))
        if len(set(self.amenities)) != len(self.amenities):
            problems.append(("amenities", _("lists an amenity twice")))
        return problems
