"""Check a repository made by gen.py against SPEC sections 2, 3 and 5, without driverparty.

    python bench/check_repo.py OUTDIR [--commits N]

An independent second opinion on the generator (stdlib only, tomli-w optional for the
canonical-bytes check): parses every record with tomllib and checks ids, enums, dates,
references, uniqueness, ID-number check characters, stage dates, petition workflow fields,
the commit messages and the recutils twin. Prints each problem and exits 1 if there are any.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
import tomllib
from collections import Counter
from pathlib import Path
from typing import Any

TODAY = dt.date(2026, 6, 1)
ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$")
PHONE_RE = re.compile(r"^1[3-9][0-9]{9}$")
IDNUM_RE = re.compile(r"^[0-9]{17}[0-9X]$")
PLATE_RE = re.compile(r"^[\u4e00-\u9fff][A-Z][A-Z0-9]{5,6}$")
HOURS_RE = re.compile(r"^(24h|([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9])$")
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
STAGES = ("applicant", "activist", "candidate", "probationary", "full")
STAGE_DATES = ("applied_on", "activist_on", "candidate_on", "probationary_on", "full_on")
FOLDERS = {
    "branches": ("branch", "B"),
    "members": ("member", "M"),
    "stations": ("station", "S"),
    "petitions": ("petition", "P"),
}
ORDER = {
    "branch": (
        "id name kind parent county host sectors secretary founded dissolved brand notes"
    ).split(),
    "member": (
        "id name gender birth_date phone id_number occupation employer plate stage "
        "applied_on activist_on candidate_on probationary_on full_on branch mobile "
        "home_org verification verified_on station tags left_on left_reason "
        "notes"
    ).split(),
    "station": (
        "id name kind county address lat lon host branch opened closed hours amenities notes"
    ).split(),
    "petition": (
        "id received channel kind category summary member submitter station status "
        "assignee due assigned_on resolved_on closed_on resolution satisfaction "
        "events"
    ).split(),
}
ENUMS = {
    ("branch", "kind"): {"committee", "general_branch", "branch", "joint_branch", "mobile_branch"},
    ("member", "gender"): {"male", "female"},
    ("member", "occupation"): {"truck", "ride_hailing", "taxi", "delivery", "other"},
    ("member", "stage"): set(STAGES),
    ("member", "verification"): {"screened", "confirmed", "archived"},
    ("station", "kind"): {"rest_stop", "drivers_home", "service_center", "partner_store"},
    ("petition", "channel"): {
        "mailbox",
        "hotline",
        "mini_program",
        "forum",
        "visit",
        "walk_in",
        "other",
    },
    ("petition", "kind"): {"request", "wish", "complaint", "dispute"},
    ("petition", "category"): {
        "repair",
        "legal",
        "insurance",
        "social_security",
        "schooling",
        "medical",
        "hardship",
        "pricing",
        "parking",
        "charging",
        "rest",
        "labor",
        "accident",
        "other",
    },
    ("petition", "status"): {"received", "assigned", "resolved", "closed", "rejected", "withdrawn"},
}
SECTORS = {"truck", "ride_hailing", "taxi", "delivery", "hazmat", "other"}
AMENITIES = set(
    "water microwave charging first_aid books restroom shower laundry wifi parking "
    "lodging meals kitchen fitness legal_aid mailbox repair medical tv".split()
)
REQUIRED = {
    "branch": ("name", "kind", "founded"),
    "member": ("name", "occupation", "stage"),
    "station": ("name", "kind", "opened"),
    "petition": ("received", "channel", "category", "summary", "kind", "status"),
}


def one_year_after(d: dt.date) -> dt.date:
    try:
        return d.replace(year=d.year + 1)
    except ValueError:  # 29 February
        return dt.date(d.year + 1, 3, 1)


def check_char(body: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body, WEIGHTS, strict=True)) % 11]


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir", type=Path)
    p.add_argument("--commits", type=int, help="the number of commits expected")
    a = p.parse_args()
    root: Path = a.outdir
    problems: list[str] = []

    def bad(where: str, msg: str) -> None:
        problems.append(f"{where}: {msg}")

    try:
        import tomli_w
    except ImportError:
        tomli_w = None  # type: ignore[assignment]

    config = tomllib.loads((root / "driverparty.toml").read_text("utf-8"))
    if config.get("county") != "八步区" or config.get("code") != "451102":
        bad("driverparty.toml", "county/code")
    for section in ("petitions", "screening", "standards"):
        if section not in config:
            bad("driverparty.toml", f"no [{section}]")

    recs: dict[str, dict[str, dict[str, Any]]] = {}
    for folder, (kind, prefix) in FOLDERS.items():
        recs[kind] = {}
        for path in sorted((root / "records" / folder).iterdir()):
            raw = path.read_bytes()
            where = f"records/{folder}/{path.name}"
            try:
                rec = tomllib.loads(raw.decode("utf-8"))
            except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
                bad(where, f"unreadable: {err}")
                continue
            if path.suffix != ".toml" or rec.get("id") != path.stem:
                bad(where, "id does not match the file name")
            if not ID_RE.match(path.stem) or not re.match(rf"^{prefix}-\d{{4,}}$", path.stem):
                bad(where, "bad id")
            keys = list(rec)
            if keys != [k for k in ORDER[kind] if k in rec] or set(keys) - set(ORDER[kind]):
                bad(where, f"keys out of order or unknown: {keys}")
            if tomli_w is not None and tomli_w.dumps(rec).encode() != raw:
                bad(where, "not in canonical form")
            if not raw.endswith(b"\n") or raw.endswith(b"\n\n") or b"\\u" in raw:
                bad(where, "canonical form: ending or escapes")
            for f in REQUIRED[kind]:
                if f not in rec:
                    bad(where, f"{f} missing")
            for (k, f), allowed in ENUMS.items():
                if k == kind and f in rec and rec[f] not in allowed:
                    bad(where, f"{f}: {rec[f]!r}")
            for f, v in rec.items():
                if isinstance(v, dt.date) and f != "due" and v > TODAY:
                    bad(where, f"{f} after {TODAY}")
                if isinstance(v, str) and (v != v.strip() or re.search(r"[\x00-\x1f]", v)):
                    bad(where, f"{f}: not stripped or control characters")
            if len(rec.get("name", "")) > 100:
                bad(where, "name too long")
            recs[kind][rec.get("id", path.stem)] = rec

    B, M, S, P = (recs[k] for k in ("branch", "member", "station", "petition"))

    # branches
    if len({b["name"] for b in B.values()}) != len(B):
        bad("branches", "names not unique")
    for bid, b in B.items():
        w = f"branch {bid}"
        if "parent" in b and b["parent"] not in B:
            bad(w, "parent does not exist")
        seen, cur = {bid}, b.get("parent")
        while cur in B:
            if cur in seen:
                bad(w, "cycle")
                break
            seen.add(cur)
            cur = B[cur].get("parent")
        if "secretary" in b and (b["secretary"] not in M or M[b["secretary"]]["stage"] != "full"):
            bad(w, "secretary is not a full member")
        if "dissolved" in b and b["dissolved"] < b["founded"]:
            bad(w, "dissolved before founded")
        if not set(b.get("sectors", ())) <= SECTORS:
            bad(w, "sectors")

    # members
    phones: Counter[str] = Counter()
    idnums: Counter[str] = Counter()
    for mid, m in M.items():
        w = f"member {mid}"
        if "phone" in m:
            phones[m["phone"]] += 1
            if not PHONE_RE.match(m["phone"]):
                bad(w, "phone")
        if "id_number" in m:
            num = m["id_number"]
            idnums[num] += 1
            if not IDNUM_RE.match(num) or check_char(num[:17]) != num[17]:
                bad(w, "id_number check character")
            if "birth_date" in m and num[6:14] != m["birth_date"].strftime("%Y%m%d"):
                bad(w, "id_number birth date")
        if "plate" in m and not PLATE_RE.match(m["plate"]):
            bad(w, f"plate {m['plate']}")
        stage_k = STAGES.index(m["stage"])
        dates = [(f, m[f]) for f in STAGE_DATES if f in m]
        if any(STAGE_DATES.index(f) > stage_k for f, _ in dates):
            bad(w, "a date for a stage after the member's stage")
        if any(d1 > d2 for (_, d1), (_, d2) in zip(dates, dates[1:], strict=False)):
            bad(w, "stage dates decrease")
        if (
            "full_on" in m
            and "probationary_on" in m
            and m["full_on"] < one_year_after(m["probationary_on"])
        ):
            bad(w, "full_on within the probation year")
        if "branch" in m and m["branch"] not in B:
            bad(w, "branch does not exist")
        if "station" in m and m["station"] not in S:
            bad(w, "station does not exist")
        if "mobile" in m and m["mobile"] is not True:
            bad(w, "mobile written but not true")
        if "verification" in m and "verified_on" not in m:
            bad(w, "verification without verified_on")
        if "left_on" in m and "left_reason" not in m:
            bad(w, "left_on without left_reason")
    for v, n in list(phones.items()) + list(idnums.items()):
        if n > 1:
            bad("members", f"{v} used {n} times")

    # stations
    for sid, s in S.items():
        w = f"station {sid}"
        if (
            ("lat" in s) != ("lon" in s)
            or not -90 <= s.get("lat", 0) <= 90
            or not -180 <= s.get("lon", 0) <= 180
        ):
            bad(w, "lat/lon")
        if "branch" in s and s["branch"] not in B:
            bad(w, "branch does not exist")
        if "closed" in s and s["closed"] < s["opened"]:
            bad(w, "closed before opened")
        if "hours" in s and not HOURS_RE.match(s["hours"]):
            bad(w, "hours")
        if not set(s.get("amenities", ())) <= AMENITIES:
            bad(w, "amenities")

    # petitions
    for pid, q in P.items():
        w = f"petition {pid}"
        st = q["status"]
        if "member" in q and q["member"] not in M:
            bad(w, "member does not exist")
        if "station" in q and q["station"] not in S:
            bad(w, "station does not exist")
        chain = [q["received"]] + [
            q[f] for f in ("assigned_on", "resolved_on", "closed_on") if f in q
        ]
        if chain != sorted(chain):
            bad(w, "workflow dates out of order")
        if st in ("assigned", "resolved", "closed") and (
            "assignee" not in q or "assigned_on" not in q
        ):
            bad(w, "assigned without assignee/assigned_on")
        if st in ("resolved", "closed") and ("resolution" not in q or "resolved_on" not in q):
            bad(w, "resolved without resolution/resolved_on")
        if st == "closed" and "closed_on" not in q:
            bad(w, "closed without closed_on")
        if st == "received" and any(
            f in q
            for f in ("assignee", "assigned_on", "resolved_on", "closed_on", "resolution", "events")
        ):
            bad(w, "received but has workflow fields")
        if "satisfaction" in q and (st != "closed" or q["satisfaction"] not in range(1, 6)):
            bad(w, "satisfaction")
        events = q.get("events", [])
        if [e["on"] for e in events] != sorted(e["on"] for e in events):
            bad(w, "events out of order")
        if events and events[-1]["status"] != st:
            bad(w, "last event is not the status")
        for e in events:
            if list(e) != ["on", "status", "note", "by"] or e["on"] < q["received"]:
                bad(w, "event fields")

    # git: a clean work tree, the commit count, messages in the tool's style
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, check=True
    ).stdout
    if status:
        bad("git", f"work tree not clean: {status[:200]}")
    log = subprocess.run(
        ["git", "log", "--format=%x00%s%n%b"], cwd=root, capture_output=True, text=True, check=True
    ).stdout.split("\0")[1:]
    if a.commits is not None and len(log) != a.commits:
        bad("git", f"{len(log)} commits, expected {a.commits}")
    subject_re = re.compile(r"^(branch|member|station|petition) ([a-z]+)( ([A-Z]-\d{4,}))?$")
    for entry in log[:-1]:  # the first commit is the bulk import
        subject, _, body = entry.partition("\n")
        sm = subject_re.match(subject)
        action = re.search(r"^Driverparty-Action: (\w+)$", body, re.M)
        targets = re.findall(r"^Driverparty-Record: (\w+)/(\S+)$", body, re.M)
        if (
            not sm
            or not action
            or action.group(1) != sm.group(2)
            or not targets
            or (
                sm.group(4)
                and targets
                != [(sm.group(1) + ("es" if sm.group(1) == "branch" else "s"), sm.group(4))]
            )
        ):
            bad("git", f"commit message: {entry[:120]!r}")
    if not (root / ".git" / "objects" / "info" / "commit-graph").exists():
        bad("git", "no commit-graph")

    # the recutils twin
    rec_file = Path(str(root) + ".rec")
    ids = re.findall(r"^id: (\S+)$", rec_file.read_text("utf-8"), re.M)
    if sorted(ids) != sorted(M) or len(ids) != len(set(ids)):
        bad(str(rec_file), f"{len(ids)} records, ids differ from the members")

    for line in problems[:50]:
        print(line)
    counts = ", ".join(f"{len(recs[k])} {folder}" for folder, (k, _) in FOLDERS.items())
    print(f"{root}: {counts}, {len(log)} commits: {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
