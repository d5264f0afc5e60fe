"""Generate a synthetic driverparty records repository with driverparty's own commands.

    python bench/gen.py OUTDIR --members 50000 --branches 2000 --stations 2000 \
        --petitions 20000 [--rounds 16] [--moves 1] [--seed 1] [--dp .venv/bin/driverparty]

The repository is made the way a county makes one (STYLE section 10, issue 22): ``driverparty
init``, then ``driverparty import`` of generated jsonl files (branches, stations, members, the
branches' secretaries, petitions: the order references need), then ``--rounds`` days of work,
each an ``import`` of the day's changes to members (M-0001 … M-0100 in most rounds, M-0042 in
every one, so they have long histories), petitions, stations and branches, and ``--moves``
workflow commands (``member verify|promote|transfer``) — every commit made by the tool, each on
its day (``DRIVERPARTY_TODAY`` and git's dates) in one of five clerks' names. Nothing is
written into the repository by this script: what the tool leaves (``.gitkeep`` files, its
cache in ``.git/driverparty/``, its commit-graph) is what a clerk's repository holds.

Every record is valid: unique mobile numbers, ID numbers with a correct check character and
the birth date, stage dates in order with ``full_on`` at least a year after
``probationary_on``, references to records that exist, branch secretaries who are full
members, petitions whose dates, assignee, resolution and ``events`` agree with their status.
The tool checks all of it on every import, as it would a clerk's spreadsheet.

Also writes ``OUTDIR.rec``: the members as ``driverparty member list --all --reveal --format
jsonl`` prints them at the end, as one GNU recutils file with a schema, so that recsel, recfix
and recins work on the same data.

Needs driverparty installed (its models say what the fields and codes are).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

try:
    from driverparty.models import KINDS
except ImportError:  # pragma: no cover - a message instead of a traceback
    sys.exit("gen.py needs driverparty installed: run it with .venv/bin/python")

DEFAULT_DP = Path(__file__).resolve().parent.parent / ".venv" / "bin" / "driverparty"
COUNTY = "八步区"
CODE = "451102"
DUE_DAYS = 7
DUE_DAYS_BY_CATEGORY = {"repair": 1}

CONFIG: dict[str, Any] = {
    "county": COUNTY,
    "code": CODE,
    "petitions": {
        "respond_days": 1,
        "due_days": DUE_DAYS,
        "due_days_by_category": dict(DUE_DAYS_BY_CATEGORY),
    },
    "screening": {"interval_days": 90},
    "standards": {
        "five": ["water", "microwave", "charging", "first_aid", "books"],
        "default": "five",
    },
}

# The kinds as the models define them: key order, id prefix, folder, and the codes drawn from.
ORDER = {kind: tuple(spec.fields) for kind, spec in KINDS.items()}
PREFIX = {kind: spec.prefix for kind, spec in KINDS.items()}
FOLDER = {kind: spec.plural for kind, spec in KINDS.items()}


def codes(kind: str, field: str) -> tuple[str, ...]:
    return KINDS[kind].fields[field].choices


STAGES = codes("member", "stage")
STAGE_DATES = ("applied_on", "activist_on", "candidate_on", "probationary_on", "full_on")
STAGE_WEIGHTS = (25, 15, 10, 10, 40)
# Days from one stage to the next (applicant -> activist, ...), by the Party's rules (issue 21):
# 366 days as activist is never short of a year; full_on is exactly a year after
# probationary_on (one_year_after), so the last gap is only a placeholder.
STAGE_GAPS = ((30, 400), (366, 500), (30, 200), (366, 366))


def one_year_after(day: dt.date) -> dt.date:
    """The day a probation year that began on ``day`` ends (29 Feb -> 1 Mar)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return dt.date(day.year + 1, 3, 1)


OCCUPATIONS = codes("member", "occupation")
OCCUPATION_WEIGHTS = (45, 33, 9, 9, 4)
EMPLOYERS = {
    "truck": (
        "贺州市八步区鑫通物流有限公司",
        "广西桂运物流集团",
        "贺州市顺达货运有限公司",
        "满帮集团",
        "货拉拉",
        "贺州市恒发运输有限公司",
        "个体运输户",
    ),
    "ride_hailing": ("滴滴出行", "万顺叫车", "曹操出行", "T3出行", "花小猪打车", "高德打车"),
    "taxi": ("贺州市八步出租汽车有限公司", "贺州市平桂出租车公司"),
    "delivery": ("美团", "饿了么", "顺丰速运", "京东物流", "中通快递"),
    "other": ("贺州市公交总公司", "个体户"),
}
SECTOR_OF = {
    "truck": "truck",
    "ride_hailing": "ride_hailing",
    "taxi": "taxi",
    "delivery": "delivery",
    "other": "other",
}
TAGS = ("volunteer", "demo_vehicle", "civility_warden", "mentor", "first_responder")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"  # noqa: E501
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志新春海东林文斌辉波宁俊鹏飞成红梅兰玉宇浩凯健峰亮欣"  # noqa: E501
AREAS = (
    "451102",
    "451102",
    "451102",
    "451103",
    "451121",
    "451122",
    "451123",
    "450102",
    "450103",
    "431121",
    "431126",
    "440103",
    "441802",
    "360102",
    "522101",
)
PLATE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
DIGITS = "0123456789"
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
HOME_ORGS = (
    "湖南省永州市祁阳县运输个体党支部",
    "广东省肇庆市物流行业党支部",
    "广西梧州市岑溪市交通运输党总支",
    "湖南省江华县流动党员党支部",
)
LEFT_REASONS = ("迁往外地", "转行", "组织关系转出", "退出运输行业")
NOTES = (
    "党员示范车驾驶员",
    "参加过应急运输保障",
    "热心公益，常年参与志愿服务",
    "曾获评优秀司机",
    "家庭困难，已纳入关爱对象",
)

BRANCH_KINDS_LOW = ("branch", "joint_branch", "mobile_branch")
SECTORS = codes("branch", "sectors")
BRANDS = ("红色车轮", "先锋驿路", "货运红帆", "网约先锋", "暖心之家", "车轮上的党支部")
HOSTS = (
    "滴滴出行贺州办事处",
    "万顺叫车贺州分公司",
    "贺州市八步区鑫通物流有限公司",
    "广西桂运物流集团贺州分公司",
    "贺州市八步出租汽车有限公司",
    "美团贺州站",
    "贺州市交通运输局",
    "八步区物流园",
)

STATION_KINDS = codes("station", "kind")
STATION_SUFFIX = {
    "rest_stop": "司机驿站",
    "drivers_home": "司机之家",
    "service_center": "党群服务中心",
    "partner_store": "暖新商家",
}
PLACES = (
    "八步",
    "贺街",
    "信都",
    "灵峰",
    "步头",
    "莲塘",
    "大宁",
    "开山",
    "桂岭",
    "仁义",
    "南乡",
    "铺门",
    "黄洞",
    "里松",
    "西湾",
    "江南",
    "城东",
    "城北",
    "八达",
    "鹿鸣",
)
STATION_HOSTS = (
    "中国石化加油站",
    "中国石油加油站",
    "贺州农商银行",
    "区总工会",
    "八步区物流园",
    "顺丰速运",
    "社区党群服务站",
)
AMENITIES = codes("station", "amenities")
FIVE = tuple(CONFIG["standards"]["five"])
EXTRA_AMENITIES = tuple(a for a in AMENITIES if a not in FIVE)

CHANNELS = codes("petition", "channel")
PETITION_KINDS = codes("petition", "kind")
PETITION_KIND_WEIGHTS = (50, 18, 14, 9, 6, 3)  # request … consultation, suggestion
CATEGORIES = codes("petition", "category")
SUMMARIES = {
    "repair": "车辆故障需就近维修",
    "legal": "运输合同纠纷咨询法律援助",
    "insurance": "车辆保险理赔进度慢",
    "social_security": "灵活就业人员社保参保咨询",
    "schooling": "子女入学需协调学位",
    "medical": "家属就医需要帮助",
    "hardship": "家庭困难申请帮扶",
    "pricing": "平台抽成过高",
    "parking": "货车停车难",
    "charging": "新能源车充电桩不足",
    "rest": "夜间缺少休息场所",
    "labor": "运费被拖欠",
    "accident": "交通事故后续处理",
    "other": "其他诉求",
}
DEPARTMENTS = (
    "交通运输局",
    "人社局",
    "司法局",
    "八步区总工会",
    "市场监管局",
    "教育局",
    "卫健局",
    "交警大队",
)
RESOLUTIONS = (
    "已协调相关部门办结",
    "已联系企业解决",
    "已提供法律援助",
    "已发放帮扶物资",
    "已安排维修",
    "已答复并解释政策",
)
REJECT_NOTES = ("不属于受理范围", "重复诉求", "信息不全无法联系")
WITHDRAW_NOTES = ("本人撤回", "已自行解决")

CLERKS = (
    ("覃文书", "qin.wenshu@babu.example"),
    ("李晓梅", "li.xiaomei@babu.example"),
    ("黄志强", "huang.zhiqiang@babu.example"),
    ("陈丽", "chen.li@babu.example"),
    ("莫建华", "mo.jianhua@babu.example"),
)

IMPORT_DAY = dt.date(2024, 1, 2)  # the bulk import; its records are dated the day before at most
END_DAY = dt.date(2026, 6, 1)  # no date in any record or commit lies after this
TZ = dt.timezone(dt.timedelta(hours=8))


def record_id(kind: str, n: int) -> str:
    return f"{PREFIX[kind]}-{n:04d}"


def check_char(body17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(body17, ID_WEIGHTS, strict=True)) % 11]


class Gen:
    """All random choices, and the records as they stand."""

    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)
        self.phone_n = 0
        self.phone_mul = 1_000_003  # odd, not a multiple of 5 or 7: i -> phone is one to one
        self.phone_off = self.rnd.randrange(7_000_000_000)
        self.id_numbers: set[str] = set()
        self.records: dict[str, dict[str, dict[str, Any]]] = {k: {} for k in ORDER}
        self.count = dict.fromkeys(ORDER, 0)
        self.secretaries: set[str] = set()
        self.full_active: list[str] = []  # full members who never leave: secretary candidates
        self.branch_ids: list[str] = []
        self.open_station_ids: list[str] = []

    # -- small values ------------------------------------------------------------------
    def next_id(self, kind: str) -> str:
        self.count[kind] += 1
        return record_id(kind, self.count[kind])

    def name(self) -> str:
        r = self.rnd
        given = r.choice(GIVEN) if r.random() < 0.3 else r.choice(GIVEN) + r.choice(GIVEN)
        return r.choice(SURNAMES) + given

    def phone(self) -> str:
        n = (self.phone_n * self.phone_mul + self.phone_off) % 7_000_000_000
        self.phone_n += 1
        return f"1{3 + n // 1_000_000_000}{n % 1_000_000_000:09d}"

    def id_number(self, birth: dt.date, male: bool) -> str:
        r = self.rnd
        ymd = birth.strftime("%Y%m%d")
        while True:
            seq = r.randrange(500) * 2 + (1 if male else 0)
            body = f"{r.choice(AREAS)}{ymd}{seq:03d}"
            full = body + check_char(body)
            if full not in self.id_numbers:
                self.id_numbers.add(full)
                return full

    def plate(self) -> str:
        r = self.rnd
        n = 6 if r.random() < 0.2 else 5
        return "桂" + r.choice("JJJJJAKD") + "".join(r.choice(PLATE_CHARS) for _ in range(n))

    def day(self, lo: int, hi: int) -> dt.date:
        """A random date between two ordinals, both inclusive."""
        return dt.date.fromordinal(self.rnd.randint(lo, hi) if hi > lo else lo)

    # -- records -----------------------------------------------------------------------
    def branch(self, n_total: int, before: int) -> dict[str, Any]:
        r = self.rnd
        bid = self.next_id("branch")
        i = self.count["branch"]
        n_comm = max(1, n_total // 100)
        n_gen = max(1, n_total // 10)
        if i <= n_comm:
            kind, parent = "committee", None
            name = f"贺州市{r.choice(PLACES)}交通运输行业党委（{bid}）"
        elif i <= n_comm + n_gen:
            kind, parent = "general_branch", record_id("branch", r.randint(1, n_comm))
            name = f"{r.choice(HOSTS)}党总支（{bid}）"
        else:
            kind = r.choices(BRANCH_KINDS_LOW, (70, 20, 10))[0]
            parent = record_id("branch", r.randint(1, min(i - 1, n_comm + n_gen)))
            label = {
                "branch": "党支部",
                "joint_branch": "联合党支部",
                "mobile_branch": "流动党员党支部",
            }[kind]
            name = f"{r.choice(HOSTS)}{label}（{bid}）"
        rec: dict[str, Any] = {"id": bid, "name": name, "kind": kind}
        if parent:
            rec["parent"] = parent
        if r.random() < 0.3:
            rec["county"] = COUNTY
        if r.random() < 0.7:
            rec["host"] = r.choice(HOSTS)
        if r.random() < 0.8:
            rec["sectors"] = sorted(r.sample(SECTORS, r.randint(1, 3)), key=SECTORS.index)
        founded = self.day(dt.date(2016, 1, 1).toordinal(), before - 400)
        rec["founded"] = founded
        if r.random() < 0.02:
            rec["dissolved"] = self.day(founded.toordinal(), before)
        if r.random() < 0.3:
            rec["brand"] = r.choice(BRANDS)
        if r.random() < 0.1:
            rec["notes"] = "按照“应建尽建”要求组建"
        self.records["branch"][bid] = rec
        if "dissolved" not in rec:
            self.branch_ids.append(bid)
        return rec

    def station(self, opened_lo: int, opened_hi: int, may_close: bool) -> dict[str, Any]:
        r = self.rnd
        sid = self.next_id("station")
        kind = r.choices(STATION_KINDS, (40, 25, 15, 20))[0]
        place = r.choice(PLACES)
        rec: dict[str, Any] = {
            "id": sid,
            "name": f"{place}{STATION_SUFFIX[kind]}{sid[2:]}号",
            "kind": kind,
        }
        if r.random() < 0.5:
            rec["county"] = COUNTY
        rec["address"] = (
            f"贺州市八步区{place}镇{r.choice(('国道', '省道', '大道', '路'))}{r.randint(1, 999)}号"
        )
        if r.random() < 0.8:
            rec["lat"] = round(r.uniform(23.9, 24.8), 6)
            rec["lon"] = round(r.uniform(111.0, 112.0), 6)
        if r.random() < 0.8:
            rec["host"] = r.choice(STATION_HOSTS)
        if self.branch_ids and r.random() < 0.8:
            rec["branch"] = r.choice(self.branch_ids)
        opened = self.day(opened_lo, opened_hi)
        rec["opened"] = opened
        if may_close and r.random() < 0.03:
            rec["closed"] = self.day(opened.toordinal(), opened_hi)
        rec["hours"] = (
            "24h" if r.random() < 0.5 else r.choice(("08:00-22:00", "07:30-21:30", "09:00-18:00"))
        )
        have = list(FIVE) if r.random() < 0.5 else r.sample(FIVE, r.randint(1, 4))
        have += r.sample(EXTRA_AMENITIES, r.randint(0, 6))
        rec["amenities"] = sorted(set(have), key=AMENITIES.index)
        if r.random() < 0.05:
            rec["notes"] = "24小时开放，可免费停车"
        self.records["station"][sid] = rec
        if "closed" not in rec:
            self.open_station_ids.append(sid)
        return rec

    def member(self, latest: int, new_applicant: bool = False) -> dict[str, Any]:
        """A member whose dates all lie on or before ordinal ``latest``."""
        r = self.rnd
        mid = self.next_id("member")
        male = r.random() < 0.92
        birth = self.day(dt.date(1965, 1, 1).toordinal(), dt.date(1998, 12, 31).toordinal())
        occupation = r.choices(OCCUPATIONS, OCCUPATION_WEIGHTS)[0]
        rec: dict[str, Any] = {
            "id": mid,
            "name": self.name(),
            "gender": "male" if male else "female",
            "birth_date": birth,
        }
        if r.random() < 0.95:
            rec["phone"] = self.phone()
        if r.random() < 0.9:
            rec["id_number"] = self.id_number(birth, male)
        rec["occupation"] = occupation
        rec["employer"] = r.choice(EMPLOYERS[occupation])
        if occupation != "delivery" and r.random() < 0.85:
            rec["plate"] = self.plate()
        if new_applicant:
            k = 0
            dates = [dt.date.fromordinal(latest)]
        else:
            k = r.choices(range(5), STAGE_WEIGHTS)[0]
            gaps = [r.randint(*STAGE_GAPS[j]) for j in range(k)]
            earliest = birth.toordinal() + 6575 + sum(gaps)  # 18 years old when applying
            ords = [r.randint(min(earliest, latest), latest)]
            for g in reversed(gaps):
                ords.append(ords[-1] - g)
            dates = [dt.date.fromordinal(o) for o in reversed(ords)]
            if k == 4:  # full when probation ends, not a day later: probation began a year
                if (dates[4].month, dates[4].day) == (2, 29):  # before full_on, never later
                    dates[4] -= dt.timedelta(days=1)
                dates[3] = dates[4].replace(year=dates[4].year - 1)
        rec["stage"] = STAGES[k]
        drop_early = k == 4 and r.random() < 0.3  # old party members: no pipeline dates kept
        for j, d in enumerate(dates):
            if drop_early and j < 3:
                continue
            rec[STAGE_DATES[j]] = d
        party = k >= 3
        if self.branch_ids and r.random() < (0.9 if party else 0.6):
            rec["branch"] = r.choice(self.branch_ids)
        if party and r.random() < 0.08:
            rec["mobile"] = True
            rec["home_org"] = r.choice(HOME_ORGS)
        if not new_applicant and r.random() < 0.7:
            rec["verification"] = r.choices(("screened", "confirmed", "archived"), (3, 3, 4))[0]
            rec["verified_on"] = self.day(max(dates[-1].toordinal(), latest - 300), latest)
        if self.open_station_ids and r.random() < 0.4:
            rec["station"] = r.choice(self.open_station_ids)
        if r.random() < 0.2:
            rec["tags"] = sorted(r.sample(TAGS, r.randint(1, 2)), key=TAGS.index)
        if not new_applicant and r.random() < 0.015:
            rec["left_on"] = self.day(dates[-1].toordinal(), latest)
            rec["left_reason"] = r.choice(LEFT_REASONS)
        elif k == 4:
            self.full_active.append(mid)
        if r.random() < 0.05:
            rec["notes"] = r.choice(NOTES)
        self.records["member"][mid] = rec
        return rec

    def petition(self, received: int, latest: int, status: str | None = None) -> dict[str, Any]:
        """A petition received on ordinal ``received`` in ``status`` as of ordinal ``latest``."""
        r = self.rnd
        pid = self.next_id("petition")
        category = r.choice(CATEGORIES)
        kind = r.choices(PETITION_KINDS, PETITION_KIND_WEIGHTS)[0]
        rec: dict[str, Any] = {
            "id": pid,
            "received": dt.date.fromordinal(received),
            "channel": r.choice(CHANNELS),
            "kind": kind,
            "category": category,
            "summary": ("微心愿：" if kind == "wish" else "") + SUMMARIES[category],
        }
        x = r.random()
        if x < 0.5 and self.count["member"]:
            rec["member"] = record_id("member", r.randint(1, self.count["member"]))
        elif x < 0.8:
            rec["submitter"] = self.name()
        if self.open_station_ids and r.random() < 0.6:
            rec["station"] = r.choice(self.open_station_ids)
        rec["status"] = "received"
        rec["due"] = dt.date.fromordinal(received + DUE_DAYS_BY_CATEGORY.get(category, DUE_DAYS))
        self.records["petition"][pid] = rec
        if status is None:
            return rec
        # Walk the workflow up to ``status``, every date on or before ``latest``.
        d = received
        if status in ("rejected", "withdrawn"):
            if r.random() < 0.3:
                d = min(latest, d + r.randint(0, 2))
                self.p_assign(rec, d)
            d = min(latest, d + r.randint(0, 3))
            self.p_end(rec, d, status)
            return rec
        if status == "received":
            return rec
        d = min(latest, d + (0 if r.random() < 0.6 else r.randint(1, 3)))
        self.p_assign(rec, d)
        if status == "assigned":
            return rec
        d = min(latest, d + r.randint(0, 12))
        self.p_resolve(rec, d)
        if status == "resolved":
            return rec
        d = min(latest, d + r.randint(1, 10))
        self.p_close(rec, d)
        return rec

    def event(self, rec: dict[str, Any], on: int, status: str, note: str) -> None:
        events = rec.setdefault("events", [])
        events.append(
            {
                "on": dt.date.fromordinal(on),
                "status": status,
                "note": note,
                "by": self.rnd.choice(CLERKS)[0],
            }
        )

    def p_assign(self, rec: dict[str, Any], on: int) -> None:
        r = self.rnd
        to = r.choice(self.branch_ids) if r.random() < 0.4 else r.choice(DEPARTMENTS)
        rec["status"] = "assigned"
        rec["assignee"] = to
        rec["assigned_on"] = dt.date.fromordinal(on)
        self.event(rec, on, "assigned", f"转办至{to}")

    def p_resolve(self, rec: dict[str, Any], on: int) -> None:
        note = self.rnd.choice(RESOLUTIONS)
        rec["status"] = "resolved"
        rec["resolved_on"] = dt.date.fromordinal(on)
        rec["resolution"] = note
        self.event(rec, on, "resolved", note)

    def p_close(self, rec: dict[str, Any], on: int) -> None:
        r = self.rnd
        rec["status"] = "closed"
        rec["closed_on"] = dt.date.fromordinal(on)
        if r.random() < 0.8:
            rec["satisfaction"] = r.choices((5, 4, 3, 2, 1), (60, 25, 8, 4, 3))[0]
        self.event(rec, on, "closed", "已回访")

    def p_end(self, rec: dict[str, Any], on: int, status: str) -> None:
        note = self.rnd.choice(REJECT_NOTES if status == "rejected" else WITHDRAW_NOTES)
        rec["status"] = status
        self.event(rec, on, status, note)

    def pick_secretaries(self) -> None:
        r = self.rnd
        pool = self.full_active[:]
        r.shuffle(pool)
        for rec in self.records["branch"].values():
            if pool and r.random() < 0.85:
                rec["secretary"] = pool.pop()
                self.secretaries.add(rec["secretary"])


# -- the history, made with the tool's own commands ---------------------------------------
MEMBER_ACTIONS = ("update", "verify", "promote", "transfer", "leave")
MEMBER_ACTION_WEIGHTS = (35, 30, 20, 12, 3)
HOT = 100  # M-0001 … M-0100 change in most rounds: long histories (M-0042 in every one)


def member_change(g: Gen, mid: str, today: int) -> set[str]:
    """Change one member as a clerk's day would (in memory); the fields changed."""
    r = g.rnd
    rec = g.records["member"][mid]
    action = r.choices(MEMBER_ACTIONS, MEMBER_ACTION_WEIGHTS)[0]
    if "left_on" in rec:
        action = "update"
    if action == "promote":
        k = STAGES.index(rec["stage"])
        ok = k < 4
        if k == 1 and rec.get("activist_on"):  # a year as activist before candidate
            ok = today >= rec["activist_on"].toordinal() + 366
        if k == 3:
            ok = today >= rec["probationary_on"].toordinal() + 366
        if ok:
            rec["stage"] = STAGES[k + 1]
            rec[STAGE_DATES[k + 1]] = dt.date.fromordinal(today)
            if k == 3:  # full_on is the end of probation
                rec["full_on"] = one_year_after(rec["probationary_on"])
            if rec["stage"] == "full":
                g.full_active.append(mid)
            return {"stage", STAGE_DATES[k + 1]}
        action = "verify"
    if action == "leave" and mid in g.secretaries:
        action = "verify"
    if action == "verify":
        rec["verification"] = r.choices(("screened", "confirmed", "archived"), (3, 3, 4))[0]
        rec["verified_on"] = dt.date.fromordinal(today)
        return {"verification", "verified_on"}
    if action == "transfer":
        rec["branch"] = r.choice(g.branch_ids)
        return {"branch"}
    if action == "leave":
        rec["left_on"] = dt.date.fromordinal(today)
        rec["left_reason"] = r.choice(LEFT_REASONS)
        return {"left_on", "left_reason"}
    y = r.random()
    if y < 0.3:
        rec["phone"] = g.phone()
        return {"phone"}
    if y < 0.55:
        rec["employer"] = r.choice(EMPLOYERS[rec["occupation"]])
        return {"employer"}
    if y < 0.75 and rec["occupation"] != "delivery":
        rec["plate"] = g.plate()
        return {"plate"}
    if y < 0.9:
        rec["tags"] = sorted(r.sample(TAGS, r.randint(1, 3)), key=TAGS.index)
        return {"tags"}
    rec["notes"] = f"{r.choice(NOTES)}（{dt.date.fromordinal(today)}）"
    return {"notes"}


def petition_step(g: Gen, rec: dict[str, Any], today: int) -> None:
    """Move an open petition one step on (in memory)."""
    r = g.rnd
    status = rec["status"]
    if status == "received":
        if r.random() < 0.05:
            g.p_end(rec, today, r.choice(("rejected", "withdrawn")))
        else:
            g.p_assign(rec, today)
    elif status == "assigned":
        g.p_resolve(rec, today)
    elif status == "resolved":
        g.p_close(rec, today)


def row(g: Gen, kind: str, rid: str, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """A record (or only some of its fields: an import leaves the others as they are) as one
    object of the jsonl that `list --format jsonl` writes and `import` reads."""
    rec = g.records[kind][rid]
    names = ORDER[kind] if fields is None else ["id", *sorted(fields, key=ORDER[kind].index)]
    return {k: rec.get(k) for k in names if fields is not None or k in rec}


def _json(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(type(value).__name__)


class Clerk:
    """Runs driverparty's own commands on the repository, one process each, as a clerk at a
    terminal would: each on its day (``DRIVERPARTY_TODAY`` and git's dates), in a clerk's name."""

    def __init__(self, dp: str, repo: Path, quiet: bool) -> None:
        self.dp = dp
        self.repo = repo
        self.quiet = quiet
        self.commands = 0
        self.spent: dict[str, float] = {}

    def run(self, day: dt.date, *args: str, clerk: int = 0) -> str:
        name, email = CLERKS[clerk % len(CLERKS)]
        stamp = (
            f"{day.isoformat()}T{9 + self.commands % 8:02d}:{self.commands * 7 % 60:02d}:00+08:00"
        )
        env = {
            **os.environ,
            "DRIVERPARTY_TODAY": day.isoformat(),
            "DRIVERPARTY_LANG": "en",
            "LANG": "C.UTF-8",
            "GIT_AUTHOR_NAME": name,
            "GIT_AUTHOR_EMAIL": email,
            "GIT_COMMITTER_NAME": name,
            "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": stamp,
            "GIT_COMMITTER_DATE": stamp,
        }
        env.pop("DRIVERPARTY_REPO", None)
        argv = [self.dp, "--repo", str(self.repo), *args] if args[0] != "init" else [self.dp, *args]
        t = time.perf_counter()
        p = subprocess.run(
            argv, env=env, capture_output=True, text=True, encoding="utf-8", check=False
        )
        what = " ".join(args[:2])
        self.spent[what] = self.spent.get(what, 0.0) + time.perf_counter() - t
        self.commands += 1
        if p.returncode != 0:
            sys.exit(f"gen.py: `driverparty {' '.join(args)}` failed:\n{p.stderr.strip()}")
        return p.stdout

    def import_rows(self, day: dt.date, kind: str, rows: list[dict[str, Any]]) -> None:
        """One ``driverparty import KIND FILE.jsonl``: one commit."""
        if not rows:
            return
        source = self.repo.parent / f"{self.repo.name}-import-{kind}.jsonl"
        text = "".join(json.dumps(r, ensure_ascii=False, default=_json) + "\n" for r in rows)
        source.write_text(text, encoding="utf-8")
        try:
            self.run(day, "import", kind, str(source), clerk=self.commands)
        finally:
            source.unlink()


def initial_records(g: Gen, a: argparse.Namespace) -> None:
    """Every record of the first import, dated on or before the day before it."""
    r = g.rnd
    latest0 = IMPORT_DAY.toordinal() - 1
    for _ in range(a.branches):
        g.branch(a.branches, latest0)
    for _ in range(a.stations):
        g.station(dt.date(2018, 1, 1).toordinal(), latest0, True)
    for _ in range(a.members):
        g.member(latest0)
    g.pick_secretaries()
    statuses = ("received", "assigned", "resolved", "closed", "rejected", "withdrawn")
    for _ in range(a.petitions):
        g.petition(
            r.randint(latest0 - 700, latest0),
            latest0,
            r.choices(statuses, (5, 10, 25, 52, 4, 4))[0],
        )


def build(a: argparse.Namespace, clerk: Clerk) -> Gen:
    """``init``, the first imports, then ``--rounds`` days of work: each an import of the
    day's member changes (and a few new applicants), of petition steps and new petitions, now
    and then of station and branch changes, and ``--moves`` workflow commands a day."""
    g = Gen(a.seed)
    r = g.rnd
    initial_records(g, a)
    day0 = IMPORT_DAY
    clerk.run(day0, "init", str(clerk.repo), "--county", COUNTY, "--code", CODE)
    # The order references need: a branch's secretary is a member, a member's branch and
    # station must exist, a petition names members and stations.
    secretaries = {
        b: rec.pop("secretary") for b, rec in g.records["branch"].items() if "secretary" in rec
    }
    clerk.import_rows(day0, "branch", [row(g, "branch", b) for b in g.records["branch"]])
    clerk.import_rows(day0, "station", [row(g, "station", s) for s in g.records["station"]])
    clerk.import_rows(day0, "member", [row(g, "member", m) for m in g.records["member"]])
    for b, m in secretaries.items():
        g.records["branch"][b]["secretary"] = m
    clerk.import_rows(day0, "branch", [row(g, "branch", b, {"secretary"}) for b in secretaries])
    clerk.import_rows(day0, "petition", [row(g, "petition", p) for p in g.records["petition"]])
    open_petitions = [
        p
        for p, rec in g.records["petition"].items()
        if rec["status"] in ("received", "assigned", "resolved")
    ]

    days = END_DAY.toordinal() - IMPORT_DAY.toordinal()
    others = max(10, a.members // 500)
    for k in range(1, a.rounds + 1):
        today = IMPORT_DAY.toordinal() + k * days // a.rounds
        day = dt.date.fromordinal(today)
        # members: most of the first hundred (M-0042 always), some others, a few new
        changed: dict[str, set[str]] = {}
        hot = [record_id("member", n) for n in range(1, min(HOT, a.members) + 1)]
        picked = [m for m in hot if m == "M-0042" or r.random() < 0.6]
        picked += [record_id("member", r.randint(1, g.count["member"])) for _ in range(others)]
        for mid in picked:
            changed.setdefault(mid, set()).update(member_change(g, mid, today))
        rows = [row(g, "member", m, f) for m, f in changed.items()]
        rows += [row(g, "member", g.member(today, new_applicant=True)["id"]) for _ in range(3)]
        clerk.import_rows(day, "member", rows)
        if k % 2 == 0:  # petitions, every other day: steps of open ones, and new ones
            steps = r.sample(open_petitions, min(len(open_petitions), max(5, a.petitions // 200)))
            for pid in steps:
                petition_step(g, g.records["petition"][pid], today)
            open_petitions = [
                p
                for p in open_petitions
                if g.records["petition"][p]["status"] in ("received", "assigned", "resolved")
            ]
            new = [g.petition(today, today)["id"] for _ in range(max(2, a.petitions // 500))]
            open_petitions += new
            clerk.import_rows(day, "petition", [row(g, "petition", p) for p in [*steps, *new]])
        if k % 4 == 0:  # stations: amenities change, a new one opens
            ids = r.sample(g.open_station_ids, min(5, len(g.open_station_ids)))
            for sid in ids:
                rec = g.records["station"][sid]
                have = set(rec.get("amenities", ())) ^ {r.choice(AMENITIES)}
                rec["amenities"] = sorted(have, key=AMENITIES.index)
            ids.append(g.station(today, today, False)["id"])
            clerk.import_rows(day, "station", [row(g, "station", s) for s in ids])
        if k % 8 == 0:  # branches: a new brand here and there
            bids = r.sample(g.branch_ids, min(5, len(g.branch_ids)))
            for bid in bids:
                g.records["branch"][bid]["brand"] = r.choice(BRANDS)
            clerk.import_rows(day, "branch", [row(g, "branch", b, {"brand"}) for b in bids])
        for _ in range(a.moves):  # the pipeline's own commands, one commit each
            move(g, clerk, day, today, clerk.commands)
    return g


def move(g: Gen, clerk: Clerk, day: dt.date, today: int, j: int) -> None:
    """One workflow command (``member verify|promote|transfer``) on a member who has not
    left, mirrored in memory."""
    r = g.rnd
    while True:
        mid = record_id("member", r.randint(1, g.count["member"]))
        rec = g.records["member"][mid]
        if "left_on" not in rec:
            break
    k = STAGES.index(rec["stage"])
    # what `promote` allows by the Party's rules (issue 21): an activist after a year, never a
    # candidate (that step needs the training and the branch's vote), full when probation ends
    started = rec.get(STAGE_DATES[k])
    can_promote = (
        k == 0
        or (k == 1 and (started is None or day >= one_year_after(started)))
        or (k == 3 and started is not None and day >= one_year_after(started))
    )
    if j % 3 == 1 and can_promote:
        to = STAGES[k + 1]
        rec["stage"] = to
        ends = one_year_after(started) if started is not None else day
        rec[STAGE_DATES[k + 1]] = ends if to == "full" else day
        if to == "full":
            g.full_active.append(mid)
        clerk.run(day, "member", "promote", mid, "--to", to, "--on", day.isoformat(), clerk=j)
    elif j % 3 == 2 and len(g.branch_ids) > 1:
        to = r.choice([b for b in g.branch_ids[:50] if b != rec.get("branch")])
        rec["branch"] = to
        clerk.run(day, "member", "transfer", mid, "--to", to, "--on", day.isoformat(), clerk=j)
    else:
        status = r.choice(("screened", "confirmed", "archived"))
        rec["verification"] = status
        rec["verified_on"] = day
        clerk.run(
            day, "member", "verify", mid, "--status", status, "--on", day.isoformat(), clerk=j
        )


# -- recutils twin -------------------------------------------------------------------------
REC_HEADER = """\
%rec: Member
%doc: driverparty members, generated by bench/gen.py for recsel/recfix/recins comparisons
%mandatory: name occupation stage
%type: gender enum male female
%type: occupation enum truck ride_hailing taxi delivery other
%type: stage enum applicant activist candidate probationary full
%type: verification enum screened confirmed archived
%type: birth_date,applied_on,activist_on,candidate_on,probationary_on,full_on date
%type: verified_on,left_on date
%type: mobile bool
%type: phone regexp /^1[3-9][0-9]{9}$/
%type: id_number regexp /^[0-9]{17}[0-9X]$/

"""


def write_rec(members: list[dict[str, Any]], path: Path, key: bool) -> None:
    """The members (as ``member list --all --reveal --format jsonl`` printed them) as one
    recutils file with a schema.

    ``%key: id`` only when asked: recfix and recins (GNU recutils 1.9) check a key's
    uniqueness in quadratic time (8,000 records: 5.7 s instead of 1.2 s; 50,000: minutes),
    which would make the comparison a straw man. driverparty's ids are unique by file name.
    """
    header = REC_HEADER.replace("%mandatory:", "%key: id\n%mandatory:") if key else REC_HEADER
    parts = [header]
    for rec in members:
        lines: list[str] = []
        for k in ORDER["member"]:
            v = rec.get(k)
            if v is None or v is False or v == []:
                continue
            if isinstance(v, list):
                lines.extend(f"{k}: {x}\n" for x in v)
            elif v is True:
                lines.append(f"{k}: yes\n")
            else:
                lines.append(f"{k}: {v}\n")
        parts.append("".join(lines) + "\n")
    path.write_text("".join(parts), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("outdir", type=Path)
    p.add_argument("--members", type=int, default=50000)
    p.add_argument("--branches", type=int, default=2000)
    p.add_argument("--stations", type=int, default=2000)
    p.add_argument("--petitions", type=int, default=20000)
    p.add_argument("--rounds", type=int, default=16, help="days of work after the first imports")
    p.add_argument("--moves", type=int, default=1, help="workflow commands a day")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--dp", default=str(DEFAULT_DP), help=f"the driverparty to run ({DEFAULT_DP})")
    p.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")
    p.add_argument("--quiet", action="store_true")
    p.add_argument(
        "--rec-key",
        action="store_true",
        help="declare %%key: id in OUTDIR.rec (recfix then takes minutes at 50,000)",
    )
    a = p.parse_args(argv)
    if a.members < 200 or a.branches < 20 or a.stations < 10 or a.petitions < 10 or a.rounds < 0:
        p.error("need at least 200 members, 20 branches, 10 stations, 10 petitions")

    start = time.perf_counter()
    outdir: Path = a.outdir
    if outdir.exists() and any(outdir.iterdir()):
        if not a.force:
            p.error(f"{outdir} exists and is not empty (use --force to replace it)")
        shutil.rmtree(outdir)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    clerk = Clerk(a.dp, outdir, a.quiet)
    g = build(a, clerk)
    listed = clerk.run(END_DAY, "member", "list", "--all", "--reveal", "--format", "jsonl")
    members = [json.loads(line) for line in listed.splitlines() if line.strip()]
    write_rec(members, Path(str(outdir) + ".rec"), a.rec_key)
    if not a.quiet:
        counts = ", ".join(f"{len(v)} {FOLDER[k]}" for k, v in g.records.items())
        spent = ", ".join(
            f"{k} {v:.1f} s" for k, v in sorted(clerk.spent.items(), key=lambda kv: -kv[1])
        )
        print(
            f"{outdir}: {counts}, {clerk.commands} driverparty commands in "
            f"{time.perf_counter() - start:.1f} s ({spent})",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
