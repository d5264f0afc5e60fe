"""Generate a synthetic driverparty records repository, fast, for benchmarks.

    python bench/gen.py OUTDIR --members 50000 --branches 2000 --stations 2000 \
        --petitions 20000 --commits 10000 [--seed 1]

Writes OUTDIR as a git work tree laid out as SPEC section 2 says (``driverparty.toml`` and
``records/<kind>s/<ID>.toml``), every record valid under SPEC section 3 and written the way
the tool writes it (``tomli_w.dumps`` of the fields in table order, unset fields omitted). The
history has exactly ``--commits`` commits: the first imports most records, each later one adds
or changes one record (now and then a few) with a subject ``<kind> <action> <id>`` and
``Driverparty-Action``/``Driverparty-Record`` trailers. M-0001..M-0100 are changed again and
again, so their histories are long (M-0042: ~25 commits at the default sizes).

The history is computed in memory, then written in one go: by default straight into one git
pack and its index (PackSink), or with ``--via fast-import`` as one ``git fast-import`` stream.
Both give the same commit ids; fast-import needs ~20 ms for each commit that touches a
50,000-file folder (2.5 minutes at the default sizes), the pack writer ~1.5 ms. A thread writes
the work tree meanwhile; then ``git reset`` builds the index, ``git commit-graph write
--reachable --changed-paths`` and ``git gc --auto`` run, and the work tree is left clean.

Also writes ``OUTDIR.rec``: the same members as one GNU recutils file with a schema, so that
recsel, recfix and recins have the same data to work on.

Needs the git binary and driverparty's models, which say what the fields and codes are.
"""

from __future__ import annotations

import argparse
import bisect
import datetime as dt
import hashlib
import os
import random
import shutil
import struct
import subprocess
import sys
import threading
import time
import zlib
from pathlib import Path
from typing import Any

try:
    import tomli_w

    from driverparty.models import KINDS
except ImportError:  # pragma: no cover - a message instead of a traceback
    sys.exit("gen.py needs driverparty installed: run it with .venv/bin/python")

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


def canon(kind: str, rec: dict[str, Any]) -> bytes:
    """The record as the tool writes it: table order, unset fields omitted."""
    return tomli_w.dumps({k: rec[k] for k in ORDER[kind] if k in rec}).encode()


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


# -- the history -------------------------------------------------------------------------
MEMBER_ACTIONS = ("update", "verify", "promote", "transfer", "leave")
MEMBER_ACTION_WEIGHTS = (35, 30, 20, 12, 3)


class FastImportSink:
    """Feeds the commits to one ``git fast-import`` process (``--via fast-import``).

    Simple and obviously right, but git's fast-import sorts and re-prints a whole folder's
    tree for every commit that touches it: ~20 ms a commit at 50,000 files in one folder, so
    10,000 commits take minutes. The default sink writes the same objects itself.
    """

    def __init__(self, outdir: Path) -> None:
        self.proc = subprocess.Popen(
            ["git", "fast-import", "--quiet", "--done"], cwd=outdir, stdin=subprocess.PIPE
        )
        assert self.proc.stdin is not None
        self.out = self.proc.stdin
        self.buf: list[bytes] = []
        self.size = 0

    def write(self, b: bytes) -> None:
        self.buf.append(b)
        self.size += len(b)
        if self.size > 4 << 20:
            self.out.write(b"".join(self.buf))
            self.buf.clear()
            self.size = 0

    def commit(self, ident: bytes, msg: bytes, files: list[tuple[str, bytes]]) -> None:
        self.write(
            b"commit refs/heads/main\nauthor "
            + ident
            + b"\ncommitter "
            + ident
            + b"\ndata %d\n" % len(msg)
            + msg
        )
        for path, data in files:
            self.write(b"M 100644 inline %s\ndata %d\n" % (path.encode(), len(data)) + data + b"\n")
        self.write(b"\n")

    def close(self) -> None:
        self.write(b"done\n")
        self.out.write(b"".join(self.buf))
        self.out.close()
        if self.proc.wait() != 0:
            sys.exit("git fast-import failed")


OBJ_COMMIT, OBJ_TREE, OBJ_BLOB, OBJ_OFS_DELTA = 1, 2, 3, 6
MAX_DELTA_DEPTH = 50  # as git's pack.depth


def sha1_object(kind: bytes, data: bytes | bytearray) -> bytes:
    h = hashlib.sha1(b"%s %d\0" % (kind, len(data)))
    h.update(data)
    return h.digest()


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def delta_copy(off: int, size: int) -> bytes:
    """Delta instructions copying ``size`` bytes at ``off`` of the base."""
    out = bytearray()
    while size:
        n = min(size, 0xFFFFFF)
        op, args = 0x80, bytearray()
        for i in range(4):
            if (off >> (8 * i)) & 0xFF:
                op |= 1 << i
                args.append((off >> (8 * i)) & 0xFF)
        for i in range(3):
            if (n >> (8 * i)) & 0xFF:
                op |= 0x10 << i
                args.append((n >> (8 * i)) & 0xFF)
        out.append(op)
        out += args
        off += n
        size -= n
    return bytes(out)


def delta_insert(data: bytes) -> bytes:
    return b"".join(
        bytes([len(data[i : i + 127])]) + data[i : i + 127] for i in range(0, len(data), 127)
    )


class Folder:
    """One records folder's tree, kept as the bytes git hashes, changed in place."""

    def __init__(self, entries: dict[bytes, bytes]) -> None:
        self.names = sorted(entries)
        self.buf = bytearray(b"".join(b"100644 %s\0%s" % (n, entries[n]) for n in self.names))
        self.sha = sha1_object(b"tree", self.buf)

    def set(self, name: bytes, blob: bytes) -> tuple[int, int, bytes]:
        """Point ``name`` at ``blob``; returns the splice (offset, removed length, inserted)."""
        k = bisect.bisect_left(self.names, name)
        entry = b"100644 %s\0" % name
        if k < len(self.names) and self.names[k] == name:
            off = self.buf.find(entry, k * 39)  # an entry is at least 39 bytes long
            assert off >= 0, name
            off += len(entry)
            self.buf[off : off + 20] = blob
            return off, 20, blob
        off = (
            len(self.buf)
            if k == len(self.names)
            else self.buf.find(b"100644 %s\0" % self.names[k], k * 39)
        )
        self.names.insert(k, name)
        self.buf[off:off] = entry + blob
        return off, 0, entry + blob


class PackSink:
    """Writes the commits straight into one git pack with its index (the default sink).

    Blobs, trees and commits go in whole, zlib-compressed; each new version of a records
    folder's tree goes in as a delta against its previous version (one splice: the changed
    entry), up to MAX_DELTA_DEPTH deep like git's own packs, so a commit costs a hash of the
    folder's tree and a few hundred bytes. The object ids are exactly those git computes
    (``--via fast-import`` gives the same commit ids; see README).
    """

    def __init__(self, outdir: Path) -> None:
        self.gitdir = outdir / ".git"
        self.tmp = self.gitdir / "objects" / "pack" / "tmp_gen.pack"
        self.f = open(self.tmp, "wb", buffering=1 << 20)  # noqa: SIM115
        self.f.write(b"PACK" + struct.pack(">II", 2, 0))  # the count is patched at the end
        self.pos = 12
        self.objects: dict[bytes, tuple[int, int, int]] = {}  # sha -> (offset, crc, depth)
        self.folders: dict[str, Folder] = {}
        self.top: dict[str, bytes] = {}  # files at the root: name -> blob sha
        self.parent: bytes | None = None

    def put(
        self,
        kind: int,
        sha: bytes,
        data: bytes | bytearray,
        base: bytes | None = None,
        delta: bytes = b"",
        level: int = 6,
    ) -> None:
        if sha in self.objects:
            return
        depth = 0
        payload = data if base is None else delta
        size = len(payload)
        c = ((OBJ_OFS_DELTA if base is not None else kind) << 4) | (size & 15)
        size >>= 4
        head = bytearray()
        while size:
            head.append(c | 0x80)
            c = size & 0x7F
            size >>= 7
        head.append(c)
        if base is not None:
            base_off, _, base_depth = self.objects[base]
            depth = base_depth + 1
            n = self.pos - base_off
            ofs = [n & 0x7F]
            n >>= 7
            while n:
                n -= 1
                ofs.append(0x80 | (n & 0x7F))
                n >>= 7
            head += bytes(reversed(ofs))
        body = bytes(head) + zlib.compress(payload, level)
        self.objects[sha] = (self.pos, zlib.crc32(body), depth)
        self.f.write(body)
        self.pos += len(body)

    def blob(self, data: bytes) -> bytes:
        sha = sha1_object(b"blob", data)
        self.put(OBJ_BLOB, sha, data, level=1)  # as small as level 6 here, 3x faster
        return sha

    def commit(self, ident: bytes, msg: bytes, files: list[tuple[str, bytes]]) -> None:
        changed: dict[str, list[tuple[bytes, bytes]]] = {}
        for path, data in files:
            sha = self.blob(data)
            if path.startswith("records/"):
                _, folder, name = path.split("/")
                changed.setdefault(folder, []).append((name.encode(), sha))
            else:
                self.top[path] = sha
        for folder, entries in changed.items():
            f = self.folders.get(folder)
            if f is None:
                f = self.folders[folder] = Folder(dict(entries))
                self.put(OBJ_TREE, f.sha, f.buf, level=1)
                continue
            old_sha, old_len = f.sha, len(f.buf)
            splices = [f.set(name, sha) for name, sha in entries]
            f.sha = sha1_object(b"tree", f.buf)
            if len(splices) == 1 and self.objects[old_sha][2] < MAX_DELTA_DEPTH:
                off, removed, added = splices[0]
                delta = (
                    varint(old_len) + varint(len(f.buf)) + delta_copy(0, off) + delta_insert(added)
                )
                if old_len - off - removed:
                    delta += delta_copy(off + removed, old_len - off - removed)
                self.put(OBJ_TREE, f.sha, f.buf, base=old_sha, delta=delta)
            else:
                self.put(OBJ_TREE, f.sha, f.buf, level=1)
        records = b"".join(
            b"40000 %s\0%s" % (name.encode(), self.folders[name].sha)
            for name in sorted(self.folders)
        )
        records_sha = sha1_object(b"tree", records)
        self.put(OBJ_TREE, records_sha, records)
        top = {name: (b"100644", sha) for name, sha in self.top.items()}
        top["records"] = (b"40000", records_sha)
        # git sorts a folder's entries as if its name ended in "/"
        root = b"".join(
            b"%s %s\0%s" % (top[n][0], n.encode(), top[n][1])
            for n in sorted(top, key=lambda n: n + "/" if n == "records" else n)
        )
        root_sha = sha1_object(b"tree", root)
        self.put(OBJ_TREE, root_sha, root)
        text = b"tree %s\n" % root_sha.hex().encode()
        if self.parent:
            text += b"parent %s\n" % self.parent.hex().encode()
        text += b"author %s\ncommitter %s\n\n%s" % (ident, ident, msg)
        self.parent = sha1_object(b"commit", text)
        self.put(OBJ_COMMIT, self.parent, text)

    def close(self) -> None:
        self.f.seek(8)
        self.f.write(struct.pack(">I", len(self.objects)))
        self.f.close()
        h = hashlib.sha1()
        with open(self.tmp, "rb") as f:
            while chunk := f.read(1 << 22):
                h.update(chunk)
        pack_sha = h.digest()
        with open(self.tmp, "ab") as f:
            f.write(pack_sha)
        entries = sorted(self.objects.items())
        assert self.pos < 1 << 31, "pack too large for a plain v2 index"
        fanout = [0] * 256
        for sha, _ in entries:
            fanout[sha[0]] += 1
        for i in range(1, 256):
            fanout[i] += fanout[i - 1]
        idx = b"\377tOc" + struct.pack(">I", 2) + struct.pack(">256I", *fanout)
        idx += b"".join(sha for sha, _ in entries)
        idx += b"".join(struct.pack(">I", crc) for _, (_, crc, _) in entries)
        idx += b"".join(struct.pack(">I", off) for _, (off, _, _) in entries)
        idx += pack_sha
        idx += hashlib.sha1(idx).digest()
        base = self.gitdir / "objects" / "pack" / f"pack-{pack_sha.hex()}"
        os.replace(self.tmp, base.with_suffix(".pack"))
        base.with_suffix(".idx").write_bytes(idx)
        assert self.parent is not None
        (self.gitdir / "refs" / "heads" / "main").write_text(
            self.parent.hex() + "\n", encoding="utf-8"
        )


class History:
    """Changes records commit by commit and hands each commit to a sink."""

    def __init__(self, g: Gen) -> None:
        self.g = g
        self.commits: list[tuple[bytes, bytes, list[tuple[str, bytes]]]] = []
        self.final: dict[str, bytes] = {}  # path -> bytes at the last commit
        self.open_by_status: dict[str, list[str]] = {"received": [], "assigned": [], "resolved": []}
        self.last: dict[str, bytes] = {}  # path -> bytes last committed

    def commit(
        self,
        when: dt.datetime,
        subject: str,
        action: str,
        files: list[tuple[str, bytes]],
        records: list[str],
    ) -> None:
        name, email = self.g.rnd.choice(CLERKS)
        body = f"{subject}\n\nDriverparty-Action: {action}\n"
        body += "".join(f"Driverparty-Record: {rec}\n" for rec in records)
        ident = f"{name} <{email}> {int(when.timestamp())} +0800".encode()
        self.commits.append((ident, body.encode(), files))
        self.final.update(files)

    def record_file(self, kind: str, rid: str) -> tuple[str, bytes]:
        path = f"records/{FOLDER[kind]}/{rid}.toml"
        data = canon(kind, self.g.records[kind][rid])
        self.last[path] = data
        return path, data

    def one(self, when: dt.datetime, kind: str, action: str, rid: str) -> None:
        prev = self.last.get(f"records/{FOLDER[kind]}/{rid}.toml")
        path, data = self.record_file(kind, rid)
        if data == prev:
            # The change happened to change nothing (same branch, same day...): the tool
            # would commit nothing, so change something else instead.
            rec = self.g.records[kind][rid]
            if kind == "member":
                rec["phone"] = self.g.phone()
                action = "update"
            else:
                rec["notes"] = f"{rec.get('notes', '')}（{when.date()}复核）"[-100:]
            path, data = self.record_file(kind, rid)
        self.commit(
            when, f"{kind} {action} {rid}", action, [(path, data)], [f"{FOLDER[kind]}/{rid}"]
        )


def plan_counts(a: argparse.Namespace) -> dict[str, int]:
    """How many records of each kind the history adds after the first commit."""
    rest = max(0, a.commits - 1)
    imports = min(rest // 250, a.members // 60)  # each adds 3 members
    return {
        "member_imports": imports,
        "member": min(int(rest * 0.08), a.members // 5),
        "petition": min(int(rest * 0.12), a.petitions // 2),
        "station": min(int(rest * 0.01), a.stations // 5),
    }


def build(a: argparse.Namespace) -> tuple[Gen, History]:
    """Generate the records and their history, in memory."""
    g = Gen(a.seed)
    r = g.rnd
    plan = plan_counts(a)
    latest0 = IMPORT_DAY.toordinal() - 1
    n_members0 = a.members - plan["member"] - 3 * plan["member_imports"]
    n_pet0 = a.petitions - plan["petition"]
    n_sta0 = a.stations - plan["station"]

    for _ in range(a.branches):
        g.branch(a.branches, latest0)
    for _ in range(n_sta0):
        g.station(dt.date(2018, 1, 1).toordinal(), latest0, True)
    for _ in range(n_members0):
        g.member(latest0)
    g.pick_secretaries()
    statuses = ("received", "assigned", "resolved", "closed", "rejected", "withdrawn")
    for _ in range(n_pet0):
        g.petition(
            r.randint(latest0 - 700, latest0),
            latest0,
            r.choices(statuses, (5, 10, 25, 52, 4, 4))[0],
        )

    h = History(g)
    for rec in g.records["petition"].values():
        if rec["status"] in h.open_by_status:
            h.open_by_status[rec["status"]].append(rec["id"])

    # Commit 1: the configuration and every record so far.
    files = [("driverparty.toml", tomli_w.dumps(CONFIG).encode())]
    for kind in ("branch", "station", "member", "petition"):
        files += [h.record_file(kind, rid) for rid in g.records[kind]]
    h.commit(
        dt.datetime.combine(IMPORT_DAY, dt.time(9, 30), TZ),
        "import initial records",
        "import",
        files,
        [],
    )

    # The other commits, spread evenly up to END_DAY, in a shuffled plan of actions.
    rest = max(0, a.commits - 1)
    plan_list = (
        ["member add"] * plan["member"]
        + ["member import"] * plan["member_imports"]
        + ["petition add"] * plan["petition"]
        + ["station add"] * plan["station"]
    )
    plan_list += ["change"] * (rest - len(plan_list))
    r.shuffle(plan_list)
    # Commit i falls on day i * days / rest after the import, in office hours, in order.
    days = END_DAY.toordinal() - IMPORT_DAY.toordinal()
    hot = min(100, n_members0)
    for i, what in enumerate(plan_list):
        day, frac = divmod((i + r.random() * 0.9) * days / max(1, rest), 1)
        when = dt.datetime.combine(
            dt.date.fromordinal(IMPORT_DAY.toordinal() + 1 + int(day)), dt.time(8), TZ
        ) + dt.timedelta(seconds=int(frac * 43200))
        today = when.date().toordinal()
        if what == "member add":
            rec = g.member(today, new_applicant=True)
            h.one(when, "member", "add", rec["id"])
        elif what == "member import":
            ids = [g.member(today, new_applicant=True)["id"] for _ in range(3)]
            h.commit(
                when,
                "member import",
                "import",
                [h.record_file("member", m) for m in ids],
                [f"{FOLDER['member']}/{m}" for m in ids],
            )
        elif what == "petition add":
            rec = g.petition(today, today)
            h.open_by_status["received"].append(rec["id"])
            h.one(when, "petition", "add", rec["id"])
        elif what == "station add":
            rec = g.station(today, today, False)
            h.one(when, "station", "add", rec["id"])
        else:
            change(g, h, when, today, hot)
    return g, h


def change(g: Gen, h: History, when: dt.datetime, today: int, hot: int) -> None:
    """One commit changing one existing record."""
    r = g.rnd
    x = r.random()
    if x < 0.25:
        petition_step(g, h, when, today)
        return
    if x < 0.28:
        sid = r.choice(g.open_station_ids)
        rec = g.records["station"][sid]
        have = set(rec.get("amenities", ()))
        have ^= {r.choice(AMENITIES)}
        rec["amenities"] = sorted(have, key=AMENITIES.index)
        if not rec["amenities"]:
            del rec["amenities"]
        h.one(when, "station", "update", sid)
        return
    if x < 0.30:
        bid = r.choice(g.branch_ids)
        rec = g.records["branch"][bid]
        if r.random() < 0.5 and g.full_active:
            m = r.choice(g.full_active)
            if m not in g.secretaries:
                rec["secretary"] = m
                g.secretaries.add(m)
        else:
            rec["brand"] = r.choice(BRANDS)
        h.one(when, "branch", "update", bid)
        return
    # A member: half the time one of the first hundred, so they have long histories.
    n = r.randint(1, hot) if r.random() < 0.5 else r.randint(1, g.count["member"])
    mid = record_id("member", n)
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
        else:
            action = "verify"
    if action == "leave" and mid in g.secretaries:
        action = "verify"
    if action == "verify":
        rec["verification"] = r.choices(("screened", "confirmed", "archived"), (3, 3, 4))[0]
        rec["verified_on"] = dt.date.fromordinal(today)
    elif action == "transfer":
        rec["branch"] = r.choice(g.branch_ids)
    elif action == "leave":
        rec["left_on"] = dt.date.fromordinal(today)
        rec["left_reason"] = r.choice(LEFT_REASONS)
    elif action == "update":
        y = r.random()
        if y < 0.3:
            rec["phone"] = g.phone()
        elif y < 0.55:
            rec["employer"] = r.choice(EMPLOYERS[rec["occupation"]])
        elif y < 0.75 and rec["occupation"] != "delivery":
            rec["plate"] = g.plate()
        elif y < 0.9:
            rec["tags"] = sorted(r.sample(TAGS, r.randint(1, 3)), key=TAGS.index)
        else:
            rec["notes"] = r.choice(NOTES)
    # Keep dict order canonical for any new key: canon() reorders anyway.
    h.one(when, "member", action, mid)


def petition_step(g: Gen, h: History, when: dt.datetime, today: int) -> None:
    r = g.rnd
    lists = h.open_by_status
    for status in r.sample(("received", "assigned", "resolved"), 3):
        if lists[status]:
            break
    else:
        return change_fallback(g, h, when, today)
    lst = lists[status]
    j = r.randrange(len(lst))
    pid = lst[j]
    lst[j] = lst[-1]
    lst.pop()
    rec = g.records["petition"][pid]
    if status == "received":
        if r.random() < 0.05:
            end = r.choice(("rejected", "withdrawn"))
            g.p_end(rec, today, end)
            h.one(when, "petition", {"rejected": "reject", "withdrawn": "withdraw"}[end], pid)
            return
        g.p_assign(rec, today)
        lists["assigned"].append(pid)
        h.one(when, "petition", "assign", pid)
    elif status == "assigned":
        g.p_resolve(rec, today)
        lists["resolved"].append(pid)
        h.one(when, "petition", "resolve", pid)
    else:
        g.p_close(rec, today)
        h.one(when, "petition", "close", pid)


def change_fallback(g: Gen, h: History, when: dt.datetime, today: int) -> None:
    mid = record_id("member", g.rnd.randint(1, g.count["member"]))
    rec = g.records["member"][mid]
    rec["verification"] = "confirmed"
    rec["verified_on"] = dt.date.fromordinal(today)
    h.one(when, "member", "verify", mid)


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


def write_rec(g: Gen, path: Path, key: bool) -> None:
    """The members as one recutils file with a schema.

    ``%key: id`` only when asked: recfix and recins (GNU recutils 1.9) check a key's
    uniqueness in quadratic time (8,000 records: 5.7 s instead of 1.2 s; 50,000: minutes),
    which would make the comparison a straw man. driverparty's ids are unique by file name.
    """
    order = ORDER["member"]
    header = REC_HEADER.replace("%mandatory:", "%key: id\n%mandatory:") if key else REC_HEADER
    parts = [header]
    for rec in g.records["member"].values():
        lines: list[str] = []
        for k in order:
            if k not in rec:
                continue
            v = rec[k]
            if isinstance(v, list):
                lines.extend(f"{k}: {x}\n" for x in v)
            elif v is True:
                lines.append(f"{k}: yes\n")
            else:
                lines.append(f"{k}: {v}\n")
        parts.append("".join(lines) + "\n")
    path.write_text("".join(parts), encoding="utf-8")


def write_work_tree(outdir: Path, files: dict[str, bytes]) -> None:
    for folder in FOLDER.values():
        (outdir / "records" / folder).mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    for path, data in files.items():
        fd = os.open(outdir / path, flags, 0o644)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)


def git(outdir: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=outdir, check=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("outdir", type=Path)
    p.add_argument("--members", type=int, default=50000)
    p.add_argument("--branches", type=int, default=2000)
    p.add_argument("--stations", type=int, default=2000)
    p.add_argument("--petitions", type=int, default=20000)
    p.add_argument("--commits", type=int, default=10000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--force", action="store_true", help="replace OUTDIR if it exists")
    p.add_argument("--quiet", action="store_true")
    p.add_argument(
        "--rec-key",
        action="store_true",
        help="declare %%key: id in OUTDIR.rec (recfix then takes minutes at 50,000)",
    )
    p.add_argument(
        "--via",
        choices=("pack", "fast-import"),
        default="pack",
        help="write the history as a git pack directly (default, fast) or through "
        "git fast-import (slow on big folders; same commit ids)",
    )
    a = p.parse_args(argv)
    if a.members < 200 or a.branches < 20 or a.stations < 10 or a.petitions < 10 or a.commits < 1:
        p.error("need at least 200 members, 20 branches, 10 stations, 10 petitions, 1 commit")

    start = time.perf_counter()
    outdir: Path = a.outdir
    if outdir.exists() and any(outdir.iterdir()):
        if not a.force:
            p.error(f"{outdir} exists and is not empty (use --force to replace it)")
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    git(outdir, "init", "-q", "-b", "main")

    g, h = build(a)
    t_build = time.perf_counter()
    # Three things at once on two cores: a thread writes the work tree (file creation is
    # kernel time, so it overlaps), this thread writes the objects, then the recutils file
    # while git writes the commit-graph.
    writer = threading.Thread(target=write_work_tree, args=(outdir, h.final))
    writer.start()
    sink = FastImportSink(outdir) if a.via == "fast-import" else PackSink(outdir)
    for commit in h.commits:
        sink.commit(*commit)
    sink.close()
    t_objects = time.perf_counter()
    graph = subprocess.Popen(
        ["git", "commit-graph", "write", "--reachable", "--changed-paths"], cwd=outdir
    )
    write_rec(g, Path(str(outdir) + ".rec"), a.rec_key)
    writer.join()
    t_files = time.perf_counter()
    git(outdir, "reset", "-q")  # the index, from HEAD and the files just written
    if graph.wait() != 0:
        sys.exit("git commit-graph write failed")
    git(outdir, "gc", "--auto", "--quiet")
    t_end = time.perf_counter()
    if not a.quiet:
        counts = ", ".join(f"{len(v)} {FOLDER[k]}" for k, v in g.records.items())
        print(
            f"{outdir}: {counts}, {len(h.commits)} commits in {t_end - start:.1f} s "
            f"(records and history {t_build - start:.1f} s, objects {t_objects - t_build:.1f}"
            f" s, then .rec and files {t_files - t_objects:.1f} s, index, commit-graph and "
            f"gc {t_end - t_files:.1f} s)",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
