#!/usr/bin/env python3
"""Generate the driverparty sample county: 八步区 (贺州市), code 451102.

Usage (from anywhere):

    python3 scripts/make_sample.py           # (re)write driverparty.toml and records/
    python3 scripts/make_sample.py --check   # reload every file and assert the SPEC rules

The script deletes and rewrites only ``records/`` and ``driverparty.toml`` at the repository
root (the parent of this ``scripts/`` folder).  Output is deterministic (fixed random seed):
every run gives byte-identical files.  Each record file is ``tomli_w.dumps(d)`` of a dict whose
keys follow the field tables of SPEC section 3 (unset fields and ``mobile = false`` omitted), with
a petition's events appended as ``[[events]]`` sections, the same bytes driverparty writes.

All names, phones, ID numbers and plates are invented.  Dates are on or before 2026-06-01
(except petition ``due`` and ``probation_extended_to``); the tests pin today to 2026-06-30.
Member dates follow the Party's rules (issue 21): applied at 18 or older, a year at least as
activist, trained and voted in before probation, full exactly when probation ends.  Petition
limits count working days (``unit = "workday"``) with the national holiday tables.
"""

import random
import re
import shutil
import sys
import tomllib
from datetime import date, timedelta
from pathlib import Path

import tomli_w

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from driverparty.workdays import Clock  # noqa: E402 - the tool's own working-day count

LATEST = date(2026, 6, 1)  # no generated date after this (except due)
TODAY = date(2026, 6, 30)  # the tests' pinned today, used by --check's findings
rng = random.Random(451102)

CONFIG = """\
county = "八步区"
code = "451102"

[petitions]
unit = "workday"
respond_days = 1
due_days = 7

[petitions.due_days_by_category]
repair = 1
charging = 3
hardship = 15
legal = 30
social_security = 45

[screening]
interval_days = 90

[standards]
five = ["water", "microwave", "charging", "first_aid", "books"]
default = "five"

[calendar]
holidays = []
workdays = []

[activities]
study_hours = 32

[organisational_life]
meeting = "quarter"
committee_meeting = "month"
group_meeting = "month"
lecture = "quarter"
theme_day = "month"
"""
DUE_DAYS = tomllib.loads(CONFIG)["petitions"]["due_days_by_category"]
CLOCK = Clock(tomllib.loads(CONFIG)["petitions"]["unit"])  # the national tables (chinesecalendar)

FIELDS = {
    "branch": "id name kind parent county host sectors secretary founded dissolved brand notes",
    "member": "id name gender birth_date phone id_number occupation employer plate stage "
    "applied_on activist_on candidate_on probationary_on full_on contacts trained_on "
    "vote_eligible vote_present vote_for probation_extended_to branch mobile "
    "home_org verification verified_on station tags left_on left_reason left_kind notes",
    "station": "id name kind county address lat lon host branch opened closed hours amenities "
    "notes",
    "petition": "id received channel kind category summary member submitter station status "
    "assignee due extended_on assigned_on resolved_on closed_on resolution satisfaction "
    "callback_on callback events",
    "activity": "id date kind title branch station participants expected on_leave others served "
    "vehicles trips amount hours notes",
}
FIELDS = {k: v.split() for k, v in FIELDS.items()}
ENUMS = {  # (kind, field): allowed values; the sample uses every one of them
    ("branch", "kind"): "committee general_branch branch joint_branch mobile_branch",
    ("branch", "sectors"): "truck ride_hailing taxi delivery hazmat other",
    ("member", "gender"): "male female",
    ("member", "occupation"): "truck ride_hailing taxi delivery other",
    ("member", "stage"): "applicant activist candidate probationary full",
    ("member", "verification"): "screened confirmed archived",
    ("station", "kind"): "rest_stop drivers_home service_center partner_store",
    ("petition", "channel"): "mailbox hotline mini_program forum visit walk_in other",
    ("petition", "kind"): "request wish complaint dispute consultation suggestion",
    ("petition", "callback"): "satisfied basic unsatisfied unreachable",
    ("petition", "category"): "repair legal insurance social_security schooling medical hardship "
    "pricing parking charging rest labor accident other",
    ("petition", "status"): "received assigned resolved closed rejected withdrawn",
    ("activity", "kind"): "meeting committee_meeting group_meeting lecture theme_day training "
    "volunteer send_exam care_visit legal_aid safety anti_fraud station_service other",
}
SOME_ENUMS = {  # (kind, field): allowed values; the sample uses some of them
    ("member", "left_kind"): "moved transferred_out left_trade not_member probation_cancelled "
    "lapsed expelled deceased other",
}
EVENT_KEYS = ("on", "status", "note", "by")
STAGES = ["applicant", "activist", "candidate", "probationary", "full"]
STAGE_DATES = ["applied_on", "activist_on", "candidate_on", "probationary_on", "full_on"]


def dumps(rec):
    """Canonical bytes: tomli_w for the plain keys, then each event as its own ``[[events]]``
    section however short (tomli_w alone would inline short ones), as driverparty writes."""
    text = tomli_w.dumps({k: v for k, v in rec.items() if k != "events"})
    for event in rec.get("events", []):
        text += "\n[[events]]\n" + tomli_w.dumps(event)
    return text.encode()


def folder(kind):
    return ROOT / "records" / {"branch": "branches", "activity": "activities"}.get(kind, kind + "s")


def D(s):
    return date.fromisoformat(s)


def add_years(d, n=1):
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February -> 1 March
        return date(d.year + n, 3, 1)


def rdate(lo, hi):
    """A random date in [lo, hi] with day <= 28 (keeps year arithmetic simple)."""
    lo, hi = D(lo), D(hi)
    while True:
        d = lo + timedelta(days=rng.randint(0, (hi - lo).days))
        if d.day <= 28:
            return d


def ordered(kind, d):
    """Dict in SPEC field order, unset (None / False / empty) fields dropped."""
    return {
        k: d[k]
        for k in FIELDS[kind]
        if d.get(k) is not None and d[k] is not False and d[k] not in ([], "")
    }


# ---------------------------------------------------------------------------- branches
# name | kind | host | sectors | secretary | founded | dissolved | brand | notes   (parent: B-0001)
BRANCHES = """
八步区交通运输行业党委 | committee | - | truck ride_hailing taxi delivery hazmat | M-0001 | 2018-06-28 | - | 车轮上的党建 | 党委书记由区交通运输局负责人兼任
滴滴出行贺州办事处流动党员党支部 | branch | 滴滴出行贺州办事处 | ride_hailing | M-0003 | 2024-03-15 | - | 红色车轮 | -
万顺叫车贺州分公司党支部 | branch | 万顺叫车贺州分公司 | ride_hailing | M-0011 | 2021-07-01 | - | 解忧信箱 | 2022年5月在公司门口设立解忧信箱
广西贺州市益民汽车运输有限责任公司党总支 | general_branch | 广西贺州市益民汽车运输有限责任公司 | taxi other | M-0017 | 2019-05-20 | - | 党建赋能 惠益于民 | 连续多年开展高考爱心送考
八步区道路运输联合党支部 | joint_branch | - | truck ride_hailing hazmat other | M-0025 | 2021-10-12 | - | 货运先锋 | 覆盖有1至2名党员的小微运输企业
八步区货车司机流动党员党支部 | mobile_branch | - | truck delivery | M-0040 | 2023-04-18 | - | 流动不流失 | -
八步区信都镇货运党小组联合支部 | joint_branch | - | truck | - | 2019-09-10 | 2024-12-31 | - | 党员并入八步区道路运输联合党支部
"""  # noqa: E501


def rows(table):
    """Split a ` | `-separated text table into lists of cells, `-` meaning unset."""
    return [
        [None if c == "-" else c for c in line.split(" | ")] for line in table.strip().splitlines()
    ]


def make_branches():
    out = []
    for n, row in enumerate(rows(BRANCHES), 1):
        name, kind, host, sectors, sec, founded, dissolved, brand, notes = row
        out.append(
            ordered(
                "branch",
                dict(
                    id=f"B-{n:04d}",
                    name=name,
                    kind=kind,
                    parent=None if n == 1 else "B-0001",
                    county="八步区",
                    host=host,
                    sectors=sectors.split(),
                    secretary=sec,
                    founded=D(founded),
                    dissolved=dissolved and D(dissolved),
                    brand=brand,
                    notes=notes,
                ),
            )
        )
    return out


# ---------------------------------------------------------------------------- stations
AMENITIES = (
    "water microwave charging first_aid books restroom shower laundry wifi parking "
    "lodging meals kitchen fitness legal_aid mailbox repair medical tv"
).split()
# name | kind | address | host | branch | opened | closed | hours |
# amenities (five = the standard five) | notes
STATIONS = """
爱莲驿站 | rest_stop | 八步区城东街道爱莲路政务服务中心停车场旁 | 城东街道党工委 | B-0001 | 2025-01-15 | - | 08:00-22:00 | five restroom wifi parking mailbox tv | 党员驿站、工会驿站、暖新驿站功能整合,设流动党员报到点
八步区货车司机之家 | drivers_home | 八步区城东货运市场综合楼一楼 | 八步区交通运输局 | B-0005 | 2020-11-06 | - | 24h | five restroom shower laundry wifi parking lodging meals kitchen mailbox repair | -
贺州市货车司机党群服务中心 | service_center | 八步区江北东路物流园 | 贺州市交通运输局 | B-0001 | 2022-06-30 | - | 08:00-22:00 | five restroom wifi parking legal_aid mailbox medical | -
网约车司机党群服务中心 | service_center | 八步区建设东路滴滴出行贺州办事处 | 滴滴出行贺州办事处 | B-0002 | 2024-05-20 | - | 08:00-22:00 | five restroom wifi legal_aid mailbox | -
中石化贺州加油站司机驿站 | rest_stop | 八步区八达东路中石化加油站 | 中国石化广西贺州石油分公司 | - | 2023-03-01 | - | 24h | water microwave charging restroom wifi parking | -
中国石油金山加油站爱心驿站 | rest_stop | 八步区金山路中国石油加油站 | 中国石油广西贺州销售分公司 | - | 2023-08-15 | - | 24h | water microwave charging restroom tv | -
益民出租车司机驿站 | rest_stop | 八步区灵峰北路益民汽车运输公司院内 | 广西贺州市益民汽车运输有限责任公司 | B-0004 | 2021-09-01 | - | 24h | five restroom shower parking kitchen | -
汕昆高速白马服务区司机之家 | drivers_home | 汕昆高速白马服务区 | 广西交投服务区管理有限公司 | B-0006 | 2021-01-10 | - | 24h | water microwave charging first_aid restroom shower laundry wifi parking lodging meals | 春运期间免费供应茶水泡面
万顺叫车解忧驿站 | rest_stop | 八步区太白东路万顺叫车贺州分公司 | 万顺叫车贺州分公司 | B-0003 | 2022-05-20 | - | 08:00-22:00 | five mailbox wifi | -
暖新商家·八步老友米粉店 | partner_store | 八步区平安西路 | 八步老友米粉店 | - | 2024-09-01 | - | 06:30-21:00 | water microwave meals | 凭司机证件米粉八折
暖新商家·城东汽修店 | partner_store | 八步区城东货运市场南门 | 贺州市八步区城东汽车修理厂 | B-0006 | 2024-10-15 | - | 08:00-20:00 | water charging repair | 党员司机维修工时费九折
农业银行贺州分行劳动者港湾 | rest_stop | 八步区八步路农业银行营业部 | 中国农业银行贺州分行 | - | 2023-05-01 | - | 08:30-17:30 | five restroom wifi | -
暖新商家·贺街酿豆腐餐馆 | partner_store | 八步区贺街镇河东街 | 贺街酿豆腐餐馆 | - | 2025-04-10 | - | 10:00-22:00 | water meals restroom | -
信都镇货运司机驿站 | rest_stop | 八步区信都镇货运站 | 信都镇人民政府 | - | 2020-03-20 | 2025-09-30 | 24h | water microwave restroom parking | 货运站搬迁,驿站停用
暖新商家·灵峰广场便利店 | partner_store | 八步区灵峰广场 | 灵峰广场便利店 | - | 2024-06-01 | 2026-01-15 | 24h | water microwave charging | -
"""  # noqa: E501
NO_COORDS = {"暖新商家·贺街酿豆腐餐馆", "暖新商家·灵峰广场便利店"}


def make_stations():
    out = []
    for n, row in enumerate(rows(STATIONS), 1):
        name, kind, addr, host, branch, opened, closed, hours, amen, notes = row
        amen = set(amen.replace("five", "water microwave charging first_aid books").split())
        s = dict(
            id=f"S-{n:04d}",
            name=name,
            kind=kind,
            county="八步区",
            address=addr,
            host=host,
            branch=branch,
            opened=D(opened),
            closed=closed and D(closed),
            hours=hours,
            amenities=[x for x in AMENITIES if x in amen],
            notes=notes,
        )
        if name not in NO_COORDS:
            s["lat"] = round(24.41 + rng.uniform(-0.05, 0.05), 5)
            s["lon"] = round(111.56 + rng.uniform(-0.06, 0.06), 5)
        out.append(ordered("station", s))
    return out


# ---------------------------------------------------------------------------- members
HOME = {  # home area code -> (home_org, plate prefix)
    "431124": ("湖南省永州市道县交通运输局党支部", "湘M"),
    "431125": ("湖南省永州市江永县交通运输局党支部", "湘M"),
    "431129": ("湖南省永州市江华瑶族自治县交通运输局党支部", "湘M"),
    "441225": ("广东省肇庆市封开县江口街道党工委", "粤H"),
    "431022": ("湖南省郴州市宜章县梅田镇党委", "湘L"),
    "450421": ("广西梧州市苍梧县石桥镇党委", "桂D"),
    "441825": ("广东省清远市连山壮族瑶族自治县吉田镇党委", "粤R"),
}
# name | gender | occupation | employer | stage | branch | extras, which are:
#   home=<area code of a mobile member's home org>, station=, tags=a,b, prob=<probationary_on>,
#   ver=<status>@<date> or ver=- (never verified; else random), left=<date>@<reason>,
#   kind=<left_kind>, act=<activist_on>, ext=<probation_extended_to>, notes=.
MEMBERS = """
周志强 | M | other | 八步区交通运输局 | full | B-0001 | tags=volunteer
陈秀兰 | F | other | 八步区交通运输局 | full | B-0001 | -
李建国 | M | ride_hailing | 滴滴出行贺州办事处 | full | B-0002 | tags=demo_vehicle,volunteer
黄丽萍 | F | ride_hailing | 滴滴出行贺州办事处 | full | B-0002 | station=S-0001 tags=civility_warden
莫海涛 | M | ride_hailing | 滴滴出行贺州办事处 | full | B-0002 | home=431124 station=S-0004
蒋文斌 | M | ride_hailing | 滴滴出行贺州办事处 | probationary | B-0002 | prob=2025-07-10
覃丽娟 | F | ride_hailing | 滴滴出行贺州办事处 | full | B-0002 | -
邓永明 | M | ride_hailing | 滴滴出行贺州办事处 | candidate | B-0002 | -
韦志刚 | M | ride_hailing | 滴滴出行贺州办事处 | activist | B-0002 | -
罗小燕 | F | ride_hailing | 滴滴出行贺州办事处 | applicant | B-0002 | -
黄国栋 | M | ride_hailing | 万顺叫车贺州分公司 | full | B-0003 | tags=volunteer
钟梅芳 | F | ride_hailing | 万顺叫车贺州分公司 | full | B-0003 | station=S-0009
廖俊杰 | M | ride_hailing | 万顺叫车贺州分公司 | probationary | B-0003 | prob=2025-06-20
何伟 | M | ride_hailing | 万顺叫车贺州分公司 | full | B-0003 | left=2025-11-20@迁居广东省东莞市,组织关系转出 kind=transferred_out
谢春花 | F | ride_hailing | 万顺叫车贺州分公司 | activist | B-0003 | -
梁家豪 | M | ride_hailing | 万顺叫车贺州分公司 | full | B-0003 | ver=screened@2025-08-01
张德明 | M | taxi | 广西贺州市益民汽车运输有限责任公司 | full | B-0004 | tags=demo_vehicle,exam_escort
刘桂芳 | F | taxi | 广西贺州市益民汽车运输有限责任公司 | full | B-0004 | station=S-0007 tags=civility_warden,volunteer
杨志华 | M | taxi | 广西贺州市益民汽车运输有限责任公司 | full | B-0004 | tags=exam_escort
吴金生 | M | taxi | 广西贺州市益民汽车运输有限责任公司 | full | B-0004 | -
唐小军 | M | taxi | 广西贺州市益民汽车运输有限责任公司 | probationary | B-0004 | -
冯秀英 | F | taxi | 广西贺州市益民汽车运输有限责任公司 | candidate | B-0004 | -
潘宏 | M | taxi | 广西贺州市益民汽车运输有限责任公司 | applicant | B-0004 | -
石建平 | M | taxi | 广西贺州市益民汽车运输有限责任公司 | full | B-0004 | ver=-
陆永强 | M | truck | 广西桂东货运有限公司 | full | B-0005 | station=S-0002 tags=volunteer
温海波 | M | truck | 广西桂东货运有限公司 | probationary | B-0005 | -
赵卫东 | M | truck | 贺州市八步区顺达物流有限公司 | full | B-0005 | station=S-0002
孙明辉 | M | truck | 贺州市八步区顺达物流有限公司 | full | B-0005 | -
马红梅 | F | truck | 贺州市八步区顺达物流有限公司 | probationary | B-0005 | -
胡振华 | M | truck | 贺州市八步区顺达物流有限公司 | full | - | ver=- notes=2026年由外地转入,尚未编入支部
朱建新 | M | truck | 贺州市平桂区鑫源运输有限公司 | full | B-0005 | -
林少华 | M | truck | 贺州市八步区顺达物流有限公司 | activist | B-0005 | -
郭大勇 | M | truck | 广西桂东货运有限公司 | applicant | B-0005 | -
曾宪文 | M | truck | - | full | B-0006 | home=431125 station=S-0002 tags=demo_vehicle
彭国庆 | M | truck | - | full | B-0006 | home=441225 station=S-0008
邱德福 | M | truck | - | full | B-0006 | home=431022 ver=confirmed@2025-10-12
蒙永生 | M | truck | - | probationary | B-0006 | home=450421 prob=2025-03-10 left=2026-03-20@预备期满考察不合格,支部大会决定取消预备党员资格 kind=probation_cancelled
戴志军 | M | delivery | 顺丰速运贺州营业部 | full | B-0006 | home=431129
邹建华 | M | truck | - | full | B-0006 | home=431124 left=2026-02-15@返回原籍湖南省道县从事运输,组织关系转回 kind=moved
田勇 | M | truck | - | full | B-0006 | tags=volunteer,civility_warden
沈海燕 | F | delivery | 美团外卖 | probationary | B-0006 | -
卢志明 | M | ride_hailing | 花小猪 | full | - | station=S-0001 ver=screened@2026-04-10 left=2026-04-20@筛查核实本人非中共党员,系登记有误 kind=not_member
范丽华 | F | ride_hailing | 曹操出行 | probationary | - | prob=2025-07-25 ver=-
贺勇 | M | ride_hailing | T3出行 | full | B-0005 | station=S-0003
叶春生 | M | taxi | 贺州市八步区安顺出租车有限公司 | full | - | home=441825 station=S-0005 ver=-
庞志伟 | M | delivery | 美团外卖 | candidate | B-0006 | -
黎秋菊 | F | delivery | 饿了么 | applicant | - | -
欧阳明 | M | other | 贺州市八步区城东驾校 | full | B-0005 | tags=civility_warden
钱小兵 | M | ride_hailing | 万顺叫车贺州分公司 | activist | B-0003 | left=2025-09-10@转行经营餐饮,不再从事网约车 kind=left_trade
苏永康 | M | taxi | 广西贺州市益民汽车运输有限责任公司 | activist | B-0004 | -
聂红 | F | ride_hailing | 滴滴出行贺州办事处 | probationary | B-0002 | prob=2026-03-01
金德胜 | M | truck | 广西桂东货运有限公司 | candidate | B-0005 | -
梁秋月 | F | other | 中石化贺州加油站 | applicant | - | -
韦宝华 | M | truck | 贺州市八步区顺达物流有限公司 | full | B-0005 | ver=archived@2025-06-18
黄志坚 | M | ride_hailing | 滴滴出行贺州办事处 | full | B-0002 | station=S-0004 tags=demo_vehicle
李海英 | F | taxi | 广西贺州市益民汽车运输有限责任公司 | probationary | B-0004 | prob=2025-05-01 ext=2026-11-01
陈国华 | M | truck | - | activist | B-0006 | act=2025-05-20
吴晓东 | M | delivery | 顺丰速运贺州营业部 | candidate | B-0006 | -
罗德华 | M | taxi | 广西贺州市益民汽车运输有限责任公司 | full | B-0004 | -
蓝美玲 | F | ride_hailing | 万顺叫车贺州分公司 | probationary | B-0003 | -
"""  # noqa: E501
LOCAL_AREAS = ["451102"] * 6 + ["451103", "451121", "451122", "451123"]
PHONE_PREFIXES = (
    "133 135 136 137 138 139 150 151 152 157 158 159 177 178 180 181 182 183 "
    "186 187 188 189 191 199".split()
)
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]


def check_char(first17):
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


def stage_dates(stage, prob, act, born):
    """Dates for every stage up to `stage` by the Party's rules: non-decreasing, applied at 18 or
    older, a year at least as activist, full_on exactly a year after probationary_on."""
    i = STAGES.index(stage)
    if stage == "full":  # joined the Party at 22 or older
        pd = rdate(max("2006-01-01", str(add_years(born, 22))), "2024-12-28")
        out = {"probationary_on": pd, "full_on": add_years(pd)}
        if pd.year < 2016:  # old members: only the two dates on the roster
            return out
        top = pd
    elif stage == "probationary":
        top = D(prob) if prob else rdate("2025-08-01", "2026-04-28")
        out = {"probationary_on": top}
    elif stage == "activist" and act:
        top = D(act)
        out = {"activist_on": top}
    else:
        top = rdate(
            {"applicant": "2025-06-01", "activist": "2024-09-01", "candidate": "2025-03-01"}[stage],
            "2026-05-28",
        )
        out = {STAGE_DATES[i]: top}
    gaps = {3: (90, 270), 2: (366, 450), 1: (150, 300)}  # days before stage k+1
    d = top
    for k in range(min(i, 3), 0, -1):
        d = d - timedelta(days=rng.randint(*gaps[k]))
        out[STAGE_DATES[k - 1]] = d
    return out


def admission(m):
    """The concentrated training and the branch meeting's vote of a member admitted since 2016
    (probationary or full with a candidate date); a candidate trained already, sometimes."""
    if m.get("probationary_on") and m.get("candidate_on"):
        m["trained_on"] = m["probationary_on"] - timedelta(days=rng.randint(10, 80))
        eligible = rng.randint(5, 25)
        present = rng.randint(eligible // 2 + 1, eligible)
        m["vote_eligible"], m["vote_present"] = eligible, present
        m["vote_for"] = rng.randint(eligible // 2 + 1, present)
    elif m["stage"] == "candidate" and rng.random() < 0.5:
        trained = m["candidate_on"] + timedelta(days=rng.randint(20, 100))
        if trained <= LATEST:
            m["trained_on"] = trained


def assign_contacts(members):
    """One or two full members of the same branch mentor each activist and candidate
    (培养联系人), none of whom has left."""
    mentors = {}
    for m in members:
        if m["stage"] == "full" and "left_on" not in m and m.get("branch"):
            mentors.setdefault(m["branch"], []).append(m["id"])
    for m in members:
        pool = mentors.get(m.get("branch"), [])
        if m["stage"] in ("activist", "candidate") and "left_on" not in m and pool:
            m["contacts"] = sorted(rng.sample(pool, rng.choice([1, 2]) if len(pool) > 1 else 1))


def make_members():
    phones, ids, plates, out = set(), set(), set(), []
    for n, (name, g, occ, emp, stage, br, extras) in enumerate(rows(MEMBERS), 1):
        ex = dict(x.split("=", 1) for x in (extras or "").split())
        m = dict(
            id=f"M-{n:04d}",
            name=name,
            gender="male" if g == "M" else "female",
            occupation=occ,
            employer=emp,
            stage=stage,
            branch=br,
        )
        m["birth_date"] = born = rdate("1968-01-01", "1999-12-28")
        if rng.random() < 0.9:
            while (p := rng.choice(PHONE_PREFIXES) + f"{rng.randint(0, 10**8 - 1):08d}") in phones:
                pass
            phones.add(p)
            m["phone"] = p
        home = ex.get("home")
        if home or rng.random() < 0.8:
            area = home or rng.choice(LOCAL_AREAS)
            while True:
                seq = f"{rng.randint(0, 99):02d}{rng.choice('13579' if g == 'M' else '02468')}"
                first17 = area + m["birth_date"].strftime("%Y%m%d") + seq
                if first17 not in ids:
                    break
            ids.add(first17)
            m["id_number"] = first17 + check_char(first17)
        elif rng.random() < 0.5:
            del m["birth_date"]
        prefix = HOME[home][1] if home else "桂J"
        if occ in ("truck", "ride_hailing", "taxi") or rng.random() < 0.4:
            while True:
                if occ == "ride_hailing" and rng.random() < 0.6:
                    tail = "D" + f"{rng.randint(0, 99999):05d}"
                elif occ == "taxi":
                    tail = "T" + f"{rng.randint(0, 9999):04d}"
                else:
                    tail = rng.choice(PLATE_LETTERS) + f"{rng.randint(0, 9999):04d}"
                if prefix + tail not in plates:
                    break
            plates.add(prefix + tail)
            m["plate"] = prefix + tail
        m.update(stage_dates(stage, ex.get("prob"), ex.get("act"), born))
        admission(m)
        if "ext" in ex:
            m["probation_extended_to"] = D(ex["ext"])
        if home:
            m["mobile"], m["home_org"] = True, HOME[home][0]
        party = stage in ("probationary", "full")
        if "ver" in ex:
            ver = None if ex["ver"] == "-" else ex["ver"].split("@")
        else:
            r = rng.random()
            status = rng.choices(["archived", "confirmed", "screened"], [5, 3, 2])[0]
            if not party:
                ver = ("screened", rdate("2025-10-01", "2026-05-28")) if r < 0.3 else None
            elif r < 0.08:
                ver = None
            elif r < 0.2:
                ver = (status, rdate("2025-03-01", "2026-03-20"))
            else:
                ver = (status, rdate("2026-04-05", "2026-05-30"))
        if ver:  # not before the member's first stage date nor after leaving
            first = min(m[k] for k in STAGE_DATES if k in m)
            on = max(D(str(ver[1])), first)
            if "left" in ex:
                on = min(on, D(ex["left"][:10]) - timedelta(days=30))
            m["verification"], m["verified_on"] = ver[0], on
        m["station"], m["notes"] = ex.get("station"), ex.get("notes")
        m["tags"] = ex["tags"].split(",") if "tags" in ex else None
        if "left" in ex:
            left_on, m["left_reason"] = ex["left"].split("@")
            m["left_on"] = D(left_on)
            m["left_kind"] = ex.get("kind")
        out.append(m)
    assign_contacts(out)
    return [ordered("member", m) for m in out]


# ---------------------------------------------------------------------------- petitions
CLERKS = ["黄主任", "莫干事", "李科长", "钟干事"]
# received | channel | kind | category | member id or submitter (- anonymous) | station | status |
# assignee | days from received to assigned,resolved,closed-or-ended | satisfaction | summary |
# resolution (resolved/closed) or the end note (rejected/withdrawn)
PETITIONS = """
2025-01-08 | mailbox | wish | hardship | M-0012 | S-0009 | closed | B-0003 | 0,3,7 | 5 | 爱人突发重病家庭困难,希望提前结算跑车费用 | 公司提前结算跑车费用,并上报行业党委纳入春节走访慰问对象
2025-02-14 | hotline | request | parking | 覃师傅 | - | closed | 八步区交通运输局运管股 | 1,6,10 | 4 | 城东货运市场周边夜间无处停车,希望增设货车临时停车位 | 协调城东货运市场夜间开放临时停车区40个车位
2025-03-20 | walk_in | request | repair | M-0004 | S-0001 | closed | 城东街道党工委 | 0,1,3 | 5 | 驿站饮水机故障,无法供应热水 | 更换饮水机加热模块,恢复供水
2025-04-11 | mini_program | consultation | social_security | M-0025 | S-0002 | closed | 八步区人力资源和社会保障局 | 1,20,30 | 5 | 灵活就业司机社保参保缴费咨询,希望上门讲解 | 人社局到司机之家开展社保政策宣讲并现场办理参保
2025-05-06 | forum | complaint | pricing | - | - | closed | B-0002 | 2,12,20 | 3 | 平台抽成比例过高且规则不透明 | 约谈平台办事处,公示抽成规则并下调高峰时段抽成
2025-06-18 | visit | wish | schooling | M-0026 | - | closed | 八步区总工会 | 0,10,15 | 5 | 子女暑期无人照看,希望参加暑期托管班 | 安排子女参加总工会暑期爱心托管班
2025-07-22 | hotline | dispute | accident | M-0020 | - | closed | 八步区交警大队 | 1,5,9 | 4 | 与乘客发生剐蹭,双方对责任认定有分歧 | 交警调取监控认定责任,双方达成调解协议
2025-08-30 | mailbox | request | charging | - | S-0006 | closed | 中国石油广西贺州销售分公司 | 1,3,8 | - | 驿站充电插座不足,高峰时段排队充电 | 新增6个充电插座和2台手机快充柜
2025-09-30 | walk_in | request | legal | M-0031 | S-0002 | closed | 八步区司法局法律援助中心 | 9,34,41 | 5 | 运费被拖欠三个月,希望获得法律援助 | 法律援助中心指派律师代理,追回运费2.3万元
2025-11-15 | mini_program | request | medical | M-0018 | S-0007 | closed | 八步区总工会 | 1,14,20 | 5 | 希望组织司机健康体检 | 联合区人民医院为120名司机开展免费健康体检
2025-12-20 | mailbox | wish | hardship | 邓师傅 | S-0004 | closed | B-0002 | 0,5,12 | 5 | 家中老人住院,希望帮助购置过冬棉被 | 支部党员捐赠棉被并送去慰问金
2026-01-12 | hotline | suggestion | rest | 潘师傅 | - | closed | 八步区交通运输局运管股 | 0,4,10 | 5 | 春运期间希望延长司机之家开放时间并提供热食 | 春运期间司机之家24小时开放并免费供应热饭
2026-02-03 | walk_in | request | repair | M-0034 | S-0011 | resolved | B-0006 | 0,2,- | - | 车辆刹车异响,希望推荐可靠维修点 | 联系暖新商家城东汽修店优惠检修
2026-03-10 | mini_program | complaint | pricing | 赖师傅 | - | resolved | 八步区市场监督管理局 | 1,6,- | - | 加油站对货车司机加收停车费 | 市场监管部门约谈加油站,取消不合理收费
2026-04-02 | forum | request | insurance | M-0055 | - | resolved | B-0002 | 3,9,- | - | 网约车营运险保费偏高,希望组织团购优惠 | 联系保险公司推出司机团体意外险
2026-04-20 | hotline | dispute | labor | M-0054 | - | resolved | 八步区人力资源和社会保障局 | 1,15,- | - | 公司拖欠工资及加班费 | 劳动保障监察介入,公司已补发工资
2026-05-06 | mailbox | wish | other | - | S-0001 | resolved | 城东街道党工委 | 0,5,- | - | 希望驿站增设象棋和报刊 | 驿站新增象棋两副,订阅报刊三种
2026-05-12 | visit | request | parking | M-0028 | - | resolved | 八步区交警大队 | 1,6,- | - | 城东货运市场货车车位被小车占用 | 加强巡查并施划货车专用车位标线
2026-05-20 | walk_in | request | charging | M-0044 | S-0003 | resolved | 八步区交通运输局运管股 | 0,2,- | - | 党群服务中心夜间充电桩故障 | 更换充电桩模块,恢复使用
2025-12-05 | hotline | complaint | other | M-0033 | - | assigned | 八步区交通运输局运管股 | 1,-,- | - | 货运平台无故封停账号 | -
2026-03-18 | mini_program | request | social_security | M-0035 | S-0008 | assigned | 八步区人力资源和社会保障局 | 2,-,- | - | 异地社保转移接续办理困难 | -
2026-05-08 | forum | dispute | legal | 钟师傅 | - | assigned | 八步区司法局法律援助中心 | 1,-,- | - | 与货主发生运费纠纷,希望法律咨询 | -
2026-05-20 | visit | request | social_security | M-0041 | - | assigned | 八步区人力资源和社会保障局 | 1,-,- | - | 申请灵活就业人员医保补贴 | -
2026-05-25 | mailbox | wish | schooling | M-0037 | S-0002 | assigned | 八步区教育局 | 0,-,- | - | 孩子秋季入学,希望协调就近入学 | -
2026-06-01 | walk_in | request | legal | M-0019 | S-0007 | assigned | 八步区司法局法律援助中心 | 0,-,- | - | 交通事故理赔遇保险公司拖延 | -
2026-04-28 | hotline | request | accident | 陶师傅 | - | assigned | B-0005 | 3,-,- | - | 夜间高速故障车辆救援费用过高 | -
2026-05-26 | mailbox | wish | hardship | - | S-0009 | received | - | -,-,- | - | 孩子患病住院,希望获得临时救助 | -
2026-05-30 | mini_program | consultation | social_security | M-0036 | - | received | - | -,-,- | - | 咨询外省户籍司机在贺州参保 | -
2026-06-01 | hotline | request | legal | 石师傅 | - | received | - | -,-,- | - | 网约车平台单方面扣除服务分 | -
2026-05-29 | forum | complaint | rest | - | S-0012 | received | - | -,-,- | - | 劳动者港湾下班后关门,夜间无处歇脚 | -
2026-06-01 | other | request | repair | 谭师傅 | - | received | - | -,-,- | - | 车辆故障停在路边,需要拖车 | -
2026-05-31 | walk_in | wish | other | M-0010 | S-0001 | received | - | -,-,- | - | 希望驿站提供雨具借用 | -
2025-06-03 | hotline | complaint | pricing | - | - | rejected | - | -,-,2 | - | 要求降低本地燃油价格 | 成品油价格由国家统一定价,不属受理范围,已解释说明
2025-09-15 | forum | dispute | labor | M-0036 | - | rejected | 八步区人力资源和社会保障局 | 1,-,4 | - | 与外省雇主发生劳资纠纷 | 用工单位及劳动合同均在广东省,已告知向用工地劳动监察部门反映
2026-01-20 | mailbox | request | other | - | S-0005 | rejected | - | -,-,3 | - | 举报其他司机私下拼车 | 非司机本人诉求,已作为线索移交交警部门,不作诉求受理
2026-04-08 | mini_program | request | insurance | 毛师傅 | - | rejected | - | -,-,1 | - | 要求报销私家车商业保险费用 | 不符合帮扶政策范围,已电话解释
2025-08-05 | visit | dispute | accident | M-0007 | - | withdrawn | - | -,-,3 | - | 与乘客就遗失物品赔偿发生争议 | 双方自行协商解决,司机申请撤回
2025-10-28 | hotline | request | parking | 龙师傅 | - | withdrawn | 城东街道党工委 | 1,-,5 | - | 小区物业不让网约车夜间停放 | 物业已同意办理停车月卡,申请人撤回
2026-02-26 | walk_in | wish | other | M-0047 | S-0003 | withdrawn | - | -,-,2 | - | 希望参加驾驶安全技能培训 | 已报名企业自办培训,撤回申请
2026-05-15 | mini_program | request | medical | M-0060 | - | withdrawn | - | -,-,1 | - | 申请司机体检费用补贴 | 已通过公司福利报销,撤回
"""  # noqa: E501


# the follow-up calls (回访) besides those of the closed petitions, whose satisfaction gives
# theirs (5 or 4: satisfied, 3: basic); by summary: (result, days from received)
CALLBACKS = {
    "车辆刹车异响,希望推荐可靠维修点": ("basic", 5),
    "加油站对货车司机加收停车费": ("unreachable", 9),
    "网约车营运险保费偏高,希望组织团购优惠": ("unsatisfied", 12),
}
# extended petitions (延期), by summary: (days from received to the extension, the new due)
EXTENDED = {
    "公司拖欠工资及加班费": (6, "2026-05-15", "需等待劳动保障监察调查结果"),
    "异地社保转移接续办理困难": (60, "2026-07-15", "需外省社保经办机构回函"),
}
RESULTS = {5: "satisfied", 4: "satisfied", 3: "basic"}
RESULT_WORDS = {"satisfied": "满意", "basic": "基本满意", "unsatisfied": "不满意"}
RESULT_WORDS["unreachable"] = "未联系上"


def make_petitions():
    out = []
    petitions = sorted(rows(PETITIONS), key=lambda r: r[0])  # ids grow with `received`
    for n, row in enumerate(petitions, 1):
        rec, ch, kind, cat, who, st, status, asg, days, sat, summ, text = row
        a, r, c = (None if x == "-" else int(x) for x in days.split(","))
        rec, sat = D(rec), sat and int(sat)
        clerk = lambda: rng.choice(CLERKS)  # noqa: E731
        p = dict(
            id=f"P-{n:04d}",
            received=rec,
            channel=ch,
            kind=kind,
            category=cat,
            summary=summ,
            station=st,
            status=status,
            assignee=asg,
            due=CLOCK.add(rec, DUE_DAYS.get(cat, 7)),
        )
        if who and who.startswith("M-"):
            p["member"] = who
        else:
            p["submitter"] = who
        events = [dict(on=rec, status="received", by=clerk())]
        if a is not None:
            p["assigned_on"] = rec + timedelta(days=a)
            events.append(
                dict(on=p["assigned_on"], status="assigned", note=f"转办至{asg}", by=clerk())
            )
        if r is not None:
            p["resolved_on"] = rec + timedelta(days=r)
            p["resolution"] = text
            events.append(dict(on=p["resolved_on"], status="resolved", note=text, by=clerk()))
        if summ in EXTENDED:
            days, due, why = EXTENDED[summ]
            ext = rec + timedelta(days=days)
            p["extended_on"], p["due"] = ext, D(due)
            then = "assigned" if p.get("assigned_on", ext) < ext else "received"
            note = f"延期至 {due}：{why}"
            events.append(dict(on=ext, status=then, note=note, by=clerk()))
            events.sort(key=lambda e: e["on"])  # stable: same-day events keep their order
        callback = CALLBACKS.get(summ)
        if status == "closed" and sat:
            callback = (RESULTS[sat], c)
        if callback:
            p["callback"], p["callback_on"] = callback[0], rec + timedelta(days=callback[1])
            note = "回访" + RESULT_WORDS[callback[0]]
            events.append(dict(on=p["callback_on"], status="resolved", note=note, by=clerk()))
        if c is not None:
            end = rec + timedelta(days=c)
            if status == "closed":
                p["closed_on"], p["satisfaction"] = end, sat
                note = f"满意度{sat}分，结案" if sat else "匿名诉求,无法回访,结案"
                events.append(dict(on=end, status="closed", note=note, by=clerk()))
            else:
                events.append(dict(on=end, status=status, note=text, by=clerk()))
        p["events"] = [{k: e[k] for k in EVENT_KEYS if e.get(k)} for e in events]
        out.append(ordered("petition", p))
    return out


# ---------------------------------------------------------------------------- activities
# A year of counted work, July 2025 to June 2026 (issue 20): organisational life in every
# branch (some of it missed, so `report meetings` has findings), trainings, volunteer runs,
# care visits, legal aid, safety and anti-fraud talks, two stations' monthly tallies and the
# 益民 company's 爱心送考 run. Its own random stream: the other records stay as they are.
arng = random.Random(20)
LIFE_MONTHS = [(2025, m) for m in range(7, 13)] + [(2026, m) for m in range(1, 7)]
# kind: (study hours, months of the quarter it is held in: None for monthly)
LIFE = {
    "meeting": (1, (2,)),  # 支部党员大会, mid-quarter
    "committee_meeting": (None, None),  # 支委会: the committee's work, no study hours
    "group_meeting": (1, None),
    "lecture": (2, (1,)),  # 党课, first month of the quarter
    "theme_day": (2, None),
}
# (branch, kind, "YYYY-MM"): not held — what `report meetings` finds
SKIPPED = {
    ("B-0005", "group_meeting", "2026-05"),
    ("B-0005", "group_meeting", "2026-06"),
    ("B-0006", "theme_day", "2026-04"),
    ("B-0006", "committee_meeting", "2026-04"),
    ("B-0003", "lecture", "2026-04"),
    ("B-0001", "group_meeting", "2025-08"),
    ("B-0004", "meeting", "2025-11"),
}
TWICE = {("B-0006", "theme_day", "2026-05")}  # held twice: May does not make up for April
THEMES = [
    "重温入党誓词,庆祝建党104周年",
    "交通安全宣传进车队",
    "学习《中国共产党章程》",
    "清洁家园志愿服务",
    "学习党的二十届四中全会精神",
    "关爱货车司机暖冬行动",
    "新春走访慰问困难党员",
    "文明交通劝导",
    "学雷锋志愿服务",
    "清明祭英烈",
    "安全生产月宣传",
    "喜迎七一,党员先锋车队亮身份",
]
SESSION_WORDS = {
    "meeting": "季度支部党员大会",
    "committee_meeting": "月支委会",
    "group_meeting": "月党小组会",
    "lecture": "季度专题党课",
}
# date | kind | title | branch | station | who (tag, branch or stage that took part) |
# others | served | vehicles | trips | amount | hours | notes
OTHER_ACTIVITIES = """
2025-07-18 | training | 网约车司机党员安全驾驶培训 | B-0002 | S-0004 | B-0002 | 46 | - | - | - | - | 3 | -
2025-08-08 | volunteer | 暑期党员先锋车队爱心接送 | B-0002 | - | demo_vehicle | 6 | 130 | 11 | 40 | - | - | 为暑期返乡学生和老人提供免费接送
2025-08-26 | safety | 货车司机夏季安全行车宣传 | B-0005 | S-0002 | civility_warden | - | 85 | - | - | - | - | -
2025-09-12 | legal_aid | 法律援助进驿站 | B-0001 | S-0003 | B-0001 | 2 | 14 | - | - | - | - | 八步区司法局律师现场解答运费纠纷、事故理赔问题
2025-09-18 | training | 发展对象集中培训 | B-0001 | S-0003 | candidate | - | - | - | - | - | 8 | 区委党校授课,结业考试合格
2025-09-30 | care_visit | 国庆中秋走访慰问货车司机 | B-0001 | S-0002 | volunteer | 4 | 126 | - | - | 6300 | - | 送月饼、矿泉水和防暑药品
2025-10-16 | anti_fraud | 反诈宣传进驿站 | B-0003 | S-0009 | B-0003 | - | 58 | - | - | - | - | -
2025-11-07 | legal_aid | 网约车司机劳动权益法律咨询 | B-0002 | S-0004 | B-0002 | 1 | 9 | - | - | - | - | -
2025-11-20 | training | 学习贯彻党的二十届四中全会精神专题培训 | B-0001 | S-0003 | party | - | - | - | - | - | 6 | -
2025-12-05 | safety | 冬季道路交通安全宣传 | B-0006 | S-0008 | B-0006 | 3 | 64 | - | - | - | - | 汕昆高速白马服务区
2025-12-16 | training | 2025年度党员冬训 | B-0001 | S-0003 | party | - | - | - | - | - | 8 | -
2026-01-16 | legal_aid | 法律援助进驿站 | B-0001 | S-0003 | B-0001 | 2 | 11 | - | - | 3800 | - | 帮助2名司机追回运费3800元
2026-01-22 | care_visit | 新春走访慰问困难党员司机 | B-0001 | - | B-0001 | - | 18 | - | - | 9000 | - | 每户慰问金500元
2026-02-02 | volunteer | 春运返乡爱心车队 | B-0002 | - | demo_vehicle | 9 | 210 | 15 | 64 | - | - | -
2026-02-10 | care_visit | 春运期间慰问坚守岗位的货车司机 | B-0006 | S-0008 | volunteer | 6 | 150 | - | - | 4500 | - | 送热饭和春联
2026-03-05 | volunteer | 学雷锋文明交通劝导 | B-0004 | - | civility_warden | 12 | 320 | - | - | - | - | -
2026-03-20 | training | 货车司机职业技能和党性教育培训 | B-0005 | S-0002 | B-0005 | 95 | - | - | - | - | 4 | -
2026-04-15 | anti_fraud | 全民国家安全教育日反诈宣传 | B-0002 | S-0004 | B-0002 | 4 | 76 | - | - | - | - | -
2026-04-24 | legal_aid | 法律援助进驿站 | B-0001 | S-0003 | B-0001 | 1 | 16 | - | - | - | - | -
2026-05-13 | safety | 安全生产月危货运输安全宣讲 | B-0005 | S-0002 | B-0005 | 30 | 92 | - | - | - | - | -
2026-05-21 | other | 司机之家开放日 | B-0005 | S-0002 | volunteer | 20 | 140 | - | - | - | - | -
2025-06-07 | send_exam | 高考爱心送考 | B-0004 | S-0007 | exam_escort | 18 | 156 | 20 | 62 | - | - | 益民公司连续多年开展高考爱心送考
2025-06-21 | send_exam | 中考爱心送考 | B-0004 | S-0007 | exam_escort | 9 | 88 | 12 | 31 | - | - | -
"""  # noqa: E501
TALLY_STATIONS = {"S-0001": (280, 460), "S-0002": (520, 860)}  # drivers served a month


def _party_at(m, day):
    """Whether a member was a party member in the branch roster on `day`."""
    if m.get("left_on") and m["left_on"] <= day:
        return False
    if m["stage"] not in ("probationary", "full"):
        return False
    joined = m.get("probationary_on") or m.get("full_on")
    return joined is None or joined <= day


def _stage_at(m, day):
    reached = [s for s, k in zip(STAGES, STAGE_DATES, strict=True) if m.get(k) and m[k] <= day]
    return reached[-1] if reached else None


def _attended(eligible, rate):
    """Who took part (id order) and how many of the others were excused."""
    came = [m["id"] for m in eligible if arng.random() < rate]
    absent = len(eligible) - len(came)
    return came, sum(1 for _ in range(absent) if arng.random() < 0.6)


def _day(year, month, lo=3, hi=26):
    if (year, month) == (LATEST.year, LATEST.month):
        return LATEST  # the data end here: June's meetings were held on its first day
    return date(year, month, arng.randint(lo, hi))


def make_activities(branches, members, stations):
    out = []
    branch_stations = {}
    for s in stations:
        if s.get("branch") and "closed" not in s:
            branch_stations.setdefault(s["branch"], []).append(s["id"])
    for b in branches:
        if "dissolved" in b:
            continue
        roster = [m for m in members if m.get("branch") == b["id"]]
        full = [m["id"] for m in roster if m["stage"] == "full" and m["id"] != b.get("secretary")]
        committee = [b["secretary"], *full[:2]] if b.get("secretary") else full[:3]
        rate = 0.75 if b["kind"] == "mobile_branch" else 0.88
        for n, (year, month) in enumerate(LIFE_MONTHS):
            key = f"{year}-{month:02d}"
            for kind, (hours, months) in LIFE.items():
                quarter_month = (month - 1) % 3 + 1
                if months is not None and quarter_month not in months:
                    continue
                if (b["id"], kind, key) in SKIPPED:
                    continue
                for again in range(2 if (b["id"], kind, key) in TWICE else 1):
                    on = _day(year, month, 3 + again * 12, 14 + again * 12)
                    if kind == "committee_meeting":
                        eligible = [m for m in roster if m["id"] in committee]
                    else:
                        eligible = [m for m in roster if _party_at(m, on)]
                    came, leave = _attended(eligible, rate)
                    if kind == "theme_day":
                        title = f"{month}月主题党日:{THEMES[n % len(THEMES)]}"
                    elif months is None:
                        title = f"{month}{SESSION_WORDS[kind]}"
                    else:
                        title = f"{year}年第{(month - 1) // 3 + 1}{SESSION_WORDS[kind]}"
                    where = (
                        branch_stations.get(b["id"]) if kind in ("theme_day", "lecture") else None
                    )
                    out.append(
                        dict(
                            date=on,
                            kind=kind,
                            title=title,
                            branch=b["id"],
                            station=arng.choice(where) if where else None,
                            participants=came,
                            expected=len(eligible),
                            on_leave=leave or None,
                            hours=hours and float(hours),
                        )
                    )
    for row in rows(OTHER_ACTIVITIES):
        (
            on,
            kind,
            title,
            branch,
            station,
            who,
            others,
            served,
            vehicles,
            trips,
            amount,
            hours,
            notes,
        ) = row
        on = D(on)
        if who.startswith("B-"):
            pool = [m for m in members if m.get("branch") == who and _party_at(m, on)]
        elif who == "party":
            pool = [m for m in members if m.get("branch") and _party_at(m, on)]
        elif who in STAGES:
            pool = [
                m
                for m in members
                if _stage_at(m, on) == who and not (m.get("left_on") and m["left_on"] <= on)
            ]
        else:
            pool = [m for m in members if who in m.get("tags", []) and _party_at(m, on)]
        came = [m["id"] for m in pool if who in STAGES or arng.random() < 0.85]
        out.append(
            dict(
                date=on,
                kind=kind,
                title=title,
                branch=branch,
                station=station,
                participants=came,
                others=others and int(others),
                served=served and int(served),
                vehicles=vehicles and int(vehicles),
                trips=trips and int(trips),
                amount=amount and float(amount),
                hours=hours and float(hours),
                notes=notes,
            )
        )
    names = {s["id"]: s for s in stations}
    for sid, (lo, hi) in TALLY_STATIONS.items():
        for year, month in LIFE_MONTHS[:-1]:  # June's tally is made when June is over
            out.append(
                dict(
                    date=D(f"{year}-{month:02d}-28"),
                    kind="station_service",
                    title=f"{names[sid]['name']}{year}年{month}月服务台账",
                    branch=names[sid].get("branch"),
                    station=sid,
                    served=arng.randint(lo, hi),
                )
            )
    out.sort(key=lambda a: (a["date"], a["kind"], a.get("branch") or ""))
    return [ordered("activity", dict(a, id=f"A-{n:04d}")) for n, a in enumerate(out, 1)]


# ---------------------------------------------------------------------------- writing
def build():
    stations = make_stations()  # first: keeps the random stream stable
    out = {
        "branch": make_branches(),
        "member": make_members(),
        "station": stations,
        "petition": make_petitions(),
    }
    out["activity"] = make_activities(out["branch"], out["member"], out["station"])
    return out


def write():
    records = ROOT / "records"
    if records.exists():
        shutil.rmtree(records)
    for kind, recs in build().items():
        folder(kind).mkdir(parents=True)
        for rec in recs:
            (folder(kind) / f"{rec['id']}.toml").write_bytes(dumps(rec))
    (ROOT / "driverparty.toml").write_bytes(CONFIG.encode())
    print(f"wrote {ROOT / 'driverparty.toml'} and {records}")


# ---------------------------------------------------------------------------- --check
def check():
    cfg = tomllib.loads((ROOT / "driverparty.toml").read_text(encoding="utf-8"))
    due_by = cfg["petitions"]["due_days_by_category"]
    db, problems = {}, []

    def need(ok, where, msg):
        if not ok:
            problems.append(f"{where}: {msg}")

    for kind in FIELDS:
        db[kind] = {}
        for f in sorted(folder(kind).glob("*.toml")):
            raw = f.read_bytes()
            rec = tomllib.loads(raw.decode("utf-8"))
            need(rec.get("id") == f.stem, f, "id differs from file name")
            need(re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_-]{0,39}", f.stem), f, "bad id")
            need(dumps(rec) == raw, f, "not canonical")
            keys = list(rec)
            need(
                keys == [k for k in FIELDS[kind] if k in rec] and set(keys) <= set(FIELDS[kind]),
                f,
                f"keys out of order or unknown: {keys}",
            )
            for k, v in rec.items():
                if isinstance(v, date) and k not in ("due", "probation_extended_to"):
                    need(v <= LATEST, f, f"{k} after {LATEST}")
                if isinstance(v, str):
                    bad = v != v.strip() or re.search(r"[\x00-\x1f\x7f]", v)
                    need(not bad, f, f"{k}: bad text")
            need(len(rec.get("name", "")) <= 100, f, "name too long")
            db[kind][f.stem] = rec
    B, M, S, P = db["branch"], db["member"], db["station"], db["petition"]
    for (kind, fld), allowed in ENUMS.items():
        used = set()
        for rec in db[kind].values():
            v = rec.get(fld, [])
            used |= set(v if isinstance(v, list) else [v])
        need(used <= set(allowed.split()), kind, f"{fld}: unknown {used - set(allowed.split())}")
        need(used >= set(allowed.split()), kind, f"{fld}: unused {set(allowed.split()) - used}")
    for (kind, fld), allowed in SOME_ENUMS.items():
        used = {rec[fld] for rec in db[kind].values() if fld in rec}
        need(used <= set(allowed.split()), kind, f"{fld}: unknown {used - set(allowed.split())}")
    amen = {a for s in S.values() for a in s.get("amenities", [])}
    need(amen <= set(AMENITIES), "stations", "unknown amenity")

    names = [b["name"] for b in B.values()]
    need(len(names) == len(set(names)), "branches", "duplicate names")
    for i, b in B.items():
        need(b.get("parent") in (None, *B), i, "unknown parent")
        seen, cur = [i], b.get("parent")
        while cur and cur not in seen:
            seen, cur = seen + [cur], B.get(cur, {}).get("parent")
        need(cur is None, i, "parent cycle")
        if "secretary" in b:
            sec = M.get(b["secretary"], {})
            need(
                sec.get("stage") == "full" and "left_on" not in sec,
                i,
                "secretary not an active full member",
            )
        need(b.get("dissolved", b["founded"]) >= b["founded"], i, "dissolved before founded")
    phones, idns = [], []
    for i, m in M.items():
        need(m.get("branch") in (None, *B), i, "unknown branch")
        need(m.get("station") in (None, *S), i, "unknown station")
        if "phone" in m:
            phones.append(m["phone"])
            need(re.fullmatch(r"1[3-9][0-9]{9}", m["phone"]), i, "bad phone")
        if "id_number" in m:
            n = m["id_number"]
            idns.append(n)
            ok = re.fullmatch(r"\d{17}[\dX]", n) and check_char(n[:17]) == n[17]
            need(ok, i, "bad check char")
            need(n[6:14] == m["birth_date"].strftime("%Y%m%d"), i, "ID birth date != birth_date")
        if "plate" in m:
            need(re.fullmatch(r"[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}", m["plate"]), i, "bad plate")
        stage = STAGES.index(m["stage"])
        dates = [m.get(k) for k in STAGE_DATES]
        need(all(d is None for d in dates[stage + 1 :]), i, "stage date after stage")
        present = [d for d in dates if d]
        need(present == sorted(present), i, "stage dates decrease")
        if m.get("full_on") and m.get("probationary_on"):
            end = m.get("probation_extended_to") or add_years(m["probationary_on"])
            need(m["full_on"] == end, i, "full_on is not the end of probation")
        if m.get("candidate_on") and m.get("activist_on"):
            need(m["candidate_on"] >= add_years(m["activist_on"]), i, "less than a year activist")
        votes = [m.get(k) for k in ("vote_eligible", "vote_present", "vote_for")]
        if any(v is not None for v in votes):
            e, pr, f = votes
            need(e // 2 < pr <= e and e // 2 < f <= pr, i, f"vote {votes}")
            need(m.get("trained_on", date.max) <= m["probationary_on"], i, "trained after")
        for c in m.get("contacts", []):
            need(M[c]["stage"] == "full" and "left_on" not in M[c], i, f"contact {c}")
        need(len(m.get("contacts", [])) <= 2, i, "more than two contacts")
        need(("left_kind" in m) <= ("left_on" in m), i, "left_kind without left_on")
        need(("verification" in m) <= ("verified_on" in m), i, "verification without verified_on")
        need(("left_on" in m) == ("left_reason" in m), i, "left_on/left_reason")
        if "birth_date" in m and present:
            need(present[0] >= add_years(m["birth_date"], 18), i, "applied before age 18")
        need(m.get("verified_on", date.min) <= m.get("left_on", date.max), i, "verified after left")
        need(m.get("mobile", True) is True, i, "mobile written as false")
    need(len(phones) == len(set(phones)), "members", "duplicate phone")
    need(len(idns) == len(set(idns)), "members", "duplicate id_number")
    for i, s in S.items():
        need(s.get("branch") in (None, *B), i, "unknown branch")
        need(("lat" in s) == ("lon" in s), i, "lat without lon")
        need(s.get("closed", s["opened"]) >= s["opened"], i, "closed before opened")
        need(re.fullmatch(r"24h|\d\d:\d\d-\d\d:\d\d", s.get("hours", "24h")), i, "bad hours")
    wf = ("assigned_on", "resolved_on", "closed_on")
    flow = {"received": set(), "assigned": set(wf[:1]), "resolved": set(wf[:2]), "closed": set(wf)}
    for i, p in P.items():
        need(p.get("member") in (None, *M), i, "unknown member")
        need(p.get("station") in (None, *S), i, "unknown station")
        st = p["status"]
        got = {k for k in wf if k in p}
        need(flow.get(st, got - set(wf[1:])) == got, i, f"dates {sorted(got)} vs status {st}")
        seq = [p["received"]] + [p[k] for k in wf if k in p]
        need(seq == sorted(seq), i, "workflow dates decrease")
        need("assignee" in p or st not in ("assigned", "resolved", "closed"), i, "no assignee")
        need("resolution" in p or st not in ("resolved", "closed"), i, "no resolution")
        due = CLOCK.add(p["received"], due_by.get(p["category"], 7))
        if "extended_on" in p:
            need(p["due"] > due and p["extended_on"] <= due, i, "extended after due or not later")
        else:
            need(p["due"] == due, i, "due")
        if "callback_on" in p:
            need(p["callback_on"] >= p["resolved_on"] and "callback" in p, i, "callback")
            need(st in ("resolved", "closed"), i, "callback on an open petition")
        need(p.get("satisfaction", 3) in range(1, 6), i, "satisfaction")
        if p.get("assignee", "").startswith("B-"):
            need(p["assignee"] in B, i, "unknown assignee branch")
        ev = p["events"]
        need(ev[0]["status"] == "received" and ev[0]["on"] == p["received"], i, "first event")
        need(ev[-1]["status"] == st, i, "last event status")
        need([e["on"] for e in ev] == sorted(e["on"] for e in ev), i, "events out of order")
        need(all(list(e) == [k for k in EVENT_KEYS if k in e] for e in ev), i, "event keys")
        need(st not in ("rejected", "withdrawn") or ev[-1].get("note"), i, "end without note")

    check_activities(db, need)
    for p in problems:
        print("FAIL", p)
    report(B, M, S, P, cfg)
    total = sum(map(len, db.values()))
    print(f"{'FAILED' if problems else 'OK'}: {total} records, {len(problems)} problems")
    return 1 if problems else 0


def check_activities(db, need):
    """The activity rules of SPEC section 3 (issue 20)."""
    life = ENUMS[("activity", "kind")].split()[:5]
    for i, a in db["activity"].items():
        need(a.get("branch") in (None, *db["branch"]), i, "unknown branch")
        need(a.get("station") in (None, *db["station"]), i, "unknown station")
        need(a["kind"] not in life or "branch" in a, i, "organisational life without branch")
        people = a.get("participants", [])
        need(all(m in db["member"] for m in people), i, "unknown participant")
        need(len(people) == len(set(people)), i, "participant twice")
        need(a.get("expected", 10**9) >= len(people) + a.get("on_leave", 0), i, "expected")
        need(0 <= a.get("hours", 0) <= 24 and len(a["title"]) <= 100, i, "hours or title")
        need(
            all(a.get(k, 0) >= 0 for k in ("others", "served", "vehicles", "trips", "amount")),
            i,
            "<0",
        )


def report(B, M, S, P, cfg):
    from collections import Counter

    active = [m for m in M.values() if "left_on" not in m]
    party = [m for m in active if m["stage"] in ("probationary", "full")]
    print("branches by kind:", dict(Counter(b["kind"] for b in B.values())))
    print(
        "members by stage (all / active):",
        dict(Counter(m["stage"] for m in M.values())),
        dict(Counter(m["stage"] for m in active)),
    )
    print("members by occupation:", dict(Counter(m["occupation"] for m in M.values())))
    print("stations by kind:", dict(Counter(s["kind"] for s in S.values())))
    for f in ("status", "channel", "kind", "category"):
        print(f"petitions by {f}:", dict(Counter(p[f] for p in P.values())))
    hosts = {b.get("host") for b in B.values() if "dissolved" not in b}
    full = [m for m in party if m["stage"] == "full"]
    emp = Counter(m.get("employer") for m in full if m.get("employer"))
    print("should_form_branch:", {e: n for e, n in emp.items() if n >= 3 and e not in hosts})
    unatt = [m["id"] for m in party if "branch" not in m]
    print("unattached:", unatt, f"coverage {100 * (len(party) - len(unatt)) / len(party):.1f}%")
    print(
        "should_join_joint_branch:",
        {
            e: n
            for e, n in emp.items()
            if n <= 2 and any(m.get("employer") == e and "branch" not in m for m in full)
        },
    )
    print(
        "overdue at",
        TODAY,
        [
            p["id"]
            for p in P.values()
            if p["status"] in ("received", "assigned") and TODAY > p["due"]
        ],
    )
    print(
        "resolved late:", [p["id"] for p in P.values() if p.get("resolved_on", date.min) > p["due"]]
    )
    late = TODAY - timedelta(days=cfg["screening"]["interval_days"])
    print("screening due:", [m["id"] for m in party if m.get("verified_on", date.min) < late])
    soon = TODAY + timedelta(days=30)
    ends = {
        m["id"]: m.get("probation_extended_to") or add_years(m["probationary_on"])
        for m in active
        if m["stage"] == "probationary"
    }
    print("probation ends by", soon, {i: str(d) for i, d in ends.items() if d <= soon})
    open_st = [s for s in S.values() if "closed" not in s]
    print("open stations without branch:", [s["id"] for s in open_st if "branch" not in s])
    five = set(cfg["standards"]["five"])
    print(
        "open stations meeting 'five':",
        [s["id"] for s in open_st if five <= set(s.get("amenities", []))],
    )


if __name__ == "__main__":
    sys.exit(check() if sys.argv[1:] == ["--check"] else write())
