"""``report html``: the printable page (issue #10), checked as a file and in a real browser.

The browser tests run Debian's chromium headless on the sample county's page, read back the DOM
it built, and save a PNG screenshot of the whole page and a PDF print under ``test-artifacts/``
(``docs/report.png`` is the Chinese screenshot). They are skipped (with the reason) where
chromium is missing; ``.ci/run`` installs it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from driverparty.html import bar_chart, css_string, pie_chart
from tests.conftest import ROOT, Run, runner_for

ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install chromium; CI has it)"
)
SECTIONS = (
    "summary",
    "coverage",
    "pipeline",
    "petitions",
    "stations",
    "screening",
    "activities",
)
CHARTS = (
    "members-by-branch",
    "coverage",
    "pipeline",
    "petitions-by-month",
    "petitions-by-category",
    "stations",
    "stations-missing",
    "activities-by-kind",
    "activities-by-month",
    "meetings",
)
HOSTILE = '<script>document.title="pwned"</script>'


def chromium(tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run headless chromium on a local file with a fresh profile; nothing it may fetch of
    its own (updates, sync) and no GPU, as on a clerk's laptop with the network pulled."""
    assert CHROMIUM is not None
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    cmd = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        "--enable-logging=stderr",
        "--v=0",
        *args,
        page.resolve().as_uri(),
    ]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120, encoding="utf-8")
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def page_height(tmp_path: Path, page: Path, width: int) -> int:
    """The page's height in CSS pixels at a window ``width`` wide: a page of the test's own
    loads the report in a frame and writes down how tall it is (the report runs no script),
    so the screenshot holds the whole page and nothing is cut."""
    probe = tmp_path / "measure.html"
    probe.write_text(
        '<!DOCTYPE html><html><body style="margin:0">'
        f'<iframe id="f" src="{page.resolve().as_uri()}" style="width:{width}px;height:10px;'
        'border:0"></iframe><pre id="h"></pre><script>'
        'document.getElementById("f").onload = function () {'
        ' document.getElementById("h").textContent ='
        ' "page-height:" + this.contentDocument.documentElement.scrollHeight; };'
        "</script></body></html>",
        encoding="utf-8",
    )
    dom = chromium(
        tmp_path, probe, "--allow-file-access-from-files", "--virtual-time-budget=10000",
        "--dump-dom",
    ).stdout  # fmt: skip
    found = re.search(r'<pre id="h">page-height:(\d+)</pre>', dom)
    assert found, dom[-500:]
    return int(found.group(1))


def page_requests(net_log: Path) -> list[str]:
    """URLs the page asked the network for, from chromium's net log: requests made for a
    file:// page carry ``file://`` in their network isolation key; the browser's own
    background requests (if any slip through) carry none."""
    log = json.loads(net_log.read_text(encoding="utf-8"))
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        e["params"]["url"]
        for e in log["events"]
        if e["type"] == start_job
        and "url" in e.get("params", {})
        and "file://" in e["params"].get("network_isolation_key", "")
    ]


def csp_violations(stderr: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if "CONSOLE" in line and "Content Security Policy" in line
    ]


def write_report(run: Run, path: Path, *args: str) -> str:
    r = run(*args, "report", "html", "--output", str(path))
    assert r.exit_code == 0, r.stderr
    assert r.stdout == ""
    return path.read_text(encoding="utf-8")


def summary_values(run: Run) -> dict[str, object]:
    r = run("summary", "--format", "json")
    assert r.exit_code == 0, r.stderr
    return {f"{row['section']}.{row['metric']}": row["value"] for row in json.loads(r.stdout)}


def shown(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.1f}"
    return str(value)


# --- the file ---------------------------------------------------------------------------------


def test_page_goes_to_stdout_by_default_and_is_self_contained(dp: Run) -> None:
    r = dp("report", "html")
    assert r.exit_code == 0, r.stderr
    text = r.stdout
    assert text.startswith("<!DOCTYPE html>")
    assert "default-src 'none'" in text  # the CSP that forbids every fetch
    # nothing that points outside the page: no src/href to anywhere, no url() but data:
    assert not re.search(r"""(?:src|href)\s*=\s*["']?(?!#|data:)""", text, re.I)
    assert not re.search(r"""url\(\s*["']?(?!#|data:)""", text, re.I)
    assert not re.search(r"@import|<link|<script|<iframe|<object|<embed", text, re.I)
    for section in SECTIONS:
        assert f'<section id="{section}">' in text
    for chart in CHARTS:
        assert f'id="chart-{chart}"' in text
    assert text.count("<svg") == len(CHARTS)


def test_page_is_the_same_bytes_every_time(dp: Run) -> None:
    first, second = dp("report", "html"), dp("report", "html")
    assert first.exit_code == 0, first.stderr
    assert first.stdout == second.stdout


def test_as_of_changes_the_figures_and_the_header(dp: Run) -> None:
    r = dp("report", "html", "--as-of", "2025-01-01")
    assert r.exit_code == 0, r.stderr
    assert '<time id="as-of" datetime="2025-01-01">' in r.stdout
    values = summary_values(lambda *a: dp(*a, "--as-of", "2025-01-01"))
    assert f'data-summary="members.total">{values["members.total"]}<' in r.stdout
    assert dp("report", "html", "--as-of", "last week").exit_code == 2


def test_output_to_a_missing_folder_is_an_error(dp: Run, tmp_path: Path) -> None:
    r = dp("report", "html", "--output", str(tmp_path / "no" / "such" / "report.html"))
    assert r.exit_code == 1
    assert r.stderr.startswith("error: ")
    assert not (tmp_path / "no").exists()


def test_personal_data_is_masked(dp: Run) -> None:
    member = dp(
        "member",
        "add",
        "--name",
        "覃师傅",
        "--occupation",
        "truck",
        "--stage",
        "full",
        "--probationary-on",
        "2024-01-02",
        "--full-on",
        "2025-01-02",
        "--phone",
        "13977412345",
    )
    assert member.exit_code == 0, member.stderr
    page = dp("report", "html").stdout
    assert "覃师傅" in page  # never verified: due for screening, by name
    assert "13977412345" not in page


def test_record_text_is_escaped(dp: Run) -> None:
    assert (
        dp(
            "station", "add", "--name", HOSTILE, "--kind", "rest_stop", "--opened", "2026-01-01"
        ).exit_code
        == 0
    )
    branch = dp("branch", "add", "--name", HOSTILE, "--kind", "branch", "--founded", "2026-01-01")
    assert branch.exit_code == 0, branch.stderr
    assert (
        dp(
            "member",
            "add",
            "--name",
            "韦师傅",
            "--occupation",
            "truck",
            "--stage",
            "applicant",
            "--branch",
            branch.stdout.strip(),
        ).exit_code
        == 0
    )
    page = dp("report", "html").stdout
    assert "<script" not in page
    escaped = "&lt;script&gt;document.title=&#34;pwned&#34;&lt;/script&gt;"
    assert escaped in page or escaped.replace("&#34;", "&quot;") in page
    # in the chart too, where pygal's ElementTree escaped it
    chart = page[page.index('id="chart-members-by-branch"') :]
    assert "&lt;script&gt;" in chart[: chart.index("</figure>")]


def test_chinese_page(dp: Run) -> None:
    page = dp("--lang", "zh", "report", "html").stdout
    assert '<html lang="zh-CN">' in page
    for words in (
        "八步区 · 党建工作报告",
        "党员发展",
        "每月诉求",
        "诉求分类",
        "服务站点达标情况",
        "待复核党员",
        "入党申请人",
        "正式党员",
    ):
        assert words in page, words
    assert "Member pipeline" not in page


def test_chinese_is_the_default_under_a_chinese_locale(dp: Run) -> None:
    page = dp("report", "html", env={"LANG": "zh_CN.UTF-8"}).stdout
    assert "党建工作报告" in page


# --- what a new user saw on the page (issue 20) ---------------------------------------------


def chart(page: str, key: str) -> str:
    start = page.index(f'id="chart-{key}"')
    return page[start : page.index("</svg>", start)]


def bars(svg: str) -> dict[str, int]:
    """A bar chart's bars: label → value, as pygal wrote them."""
    pairs = re.findall(
        r'<desc class="value">(\d+)</desc>(?:<desc class="[xy] centered">[^<]*</desc>)*'
        r'<desc class="x_label">([^<]*)</desc>',
        svg,
    )
    return {label: int(value) for value, label in pairs}


def test_every_legend_lies_inside_its_chart(dp: Run) -> None:
    """The petition-category legend was cut in half, on screen and in print: pygal kept room
    for no row of legend when a chart had fewer series than legend columns."""
    for lang in ("en", "zh"):
        page = dp("--lang", lang, "report", "html").stdout
        for key in CHARTS:
            svg = chart(page, key)
            view = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
            assert view, key
            at = svg.find('class="legends"')
            if at < 0:
                continue  # one series: no legend
            top = float(re.findall(r"translate\(([\d.]+), ([\d.]+)\)", svg[:at])[-1][1])
            boxes = re.findall(
                r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"', svg[at:]
            )
            assert boxes, key
            bottom = top + max(float(y) + float(h) for y, h in boxes)
            assert bottom <= float(view.group(2)), (lang, key, bottom, view.group(2))


def test_the_no_branch_bar_counts_what_the_gauge_counts(dp: Run) -> None:
    """Beside the coverage gauge (party members) the bar of those in no branch counted
    applicants too: 48 against 30. Now every bar counts party members."""
    values = summary_values(dp)
    got = bars(chart(dp("report", "html").stdout, "members-by-branch"))
    assert got["No branch"] == values["members.unattached"]
    assert sum(got.values()) == values["members.party"]
    by_branch = {r["branch"]: r["count"] for r in json.loads(
        dp("report", "members", "--by", "branch", "--format", "json").stdout
    )}  # fmt: skip
    assert by_branch[None] > got["No branch"]  # applicants with no branch are not in the bar


def test_the_pipeline_is_a_bar_chart_on_a_scaled_axis(dp: Run) -> None:
    svg = chart(dp("report", "html").stdout, "pipeline")
    assert "funnel" not in svg and 'class="graph bar-graph vertical"' in svg
    axis = svg[svg.index('class="axis y') :]
    ticks = [
        int(t)
        for t in re.findall(r'<text x="[-\d.]+" y="[\d.]+" class="[a-z]*">(\d+)</text>', axis)
    ]
    pipeline = json.loads(dp("report", "pipeline", "--format", "json").stdout)
    assert ticks[0] == 0 and ticks[-1] >= max(r["count"] for r in pipeline)
    assert list(bars(svg).values()) == [r["count"] for r in pipeline]


def test_coverage_findings_name_the_member_or_station(dp: Run) -> None:
    page = dp("report", "html").stdout
    coverage = json.loads(dp("report", "coverage", "--format", "json").stdout)
    named = [r for r in coverage if r["name"]]
    assert {r["finding"] for r in named} == {"unattached_member", "station_without_branch"}
    for row in named:
        assert f'<td>{row["name"]} <span class="id">{row["subject"]}</span></td>' in page


def test_a_period_makes_a_quarterly_report(dp: Run) -> None:
    r = dp("report", "html", "--period", "2026Q1")
    assert r.exit_code == 0, r.stderr
    page = r.stdout
    assert '<time id="as-of" datetime="2026-03-31">' in page
    assert '<span id="period">2026Q1</span> (2026-01-01 – 2026-03-31)' in page
    assert re.findall(r'<tr data-month="([^"]+)"', page) == ["2026-01", "2026-02", "2026-03"]
    assert re.findall(r'<tr data-activity-month="([^"]+)"', page) == [
        "2026-01", "2026-02", "2026-03",
    ]  # fmt: skip
    assert "Organisational life · 2026Q1" in page
    meetings = dp("report", "meetings", "--period", "2026Q1", "--format", "json").stdout
    for row in json.loads(meetings):
        assert (
            f'data-meeting="{row["branch"]}:{row["kind"]}">{row["held"]} / {row["required"]}<'
            in page
        )
    values = summary_values(lambda *a: dp(*a, "--period", "2026Q1"))  # the summary's own
    for key in ("members.total", "members.recruited", "petitions.total", "activities.total",
                "activities.person_times", "activities.served"):  # fmt: skip
        assert f'data-summary="{key}">{shown(values[key])}<' in page, key
    whole_year = summary_values(dp)
    assert values["activities.total"] < whole_year["activities.total"]  # only the quarter's
    whole = dp("report", "html").stdout
    assert "Organisational life · 2026Q2" in whole and 'id="period"' not in whole
    assert dp("report", "html", "--period", "2026Q9").exit_code == 2
    since = dp("report", "html", "--since", "2026-05-01", "--until", "2026-05-31").stdout
    assert re.findall(r'<tr data-month="([^"]+)"', since) == ["2026-05"]


# --- the charts, as pure functions ------------------------------------------------------------


def test_charts_are_svg_without_script_or_random_ids() -> None:
    bar = bar_chart("b", "每月诉求", ["2026-01", "2026-02"], [("收到", [3, 4]), ("办结", [2, 3])])
    pie = pie_chart("p", "Stations", [("meets", 6), ("falls short", 9)], half=True)
    for svg in (bar, pie):
        assert svg.startswith("<svg")
        assert "<script" not in svg and "<!--" not in svg
        assert not re.search(r"""(?:src|href)=""", svg)
    assert 'id="chart-b"' in bar and "每月诉求" in bar and ">4<" in bar
    assert bar == bar_chart(
        "b", "每月诉求", ["2026-01", "2026-02"], [("收到", [3, 4]), ("办结", [2, 3])]
    )


def test_chart_labels_are_escaped() -> None:
    svg = bar_chart("x", "<b>t</b>", ["<script>alert(1)</script>"], [("<i>", [1])])
    assert "<script>" not in svg and "<b>" not in svg and "<i>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg


def test_css_string_cannot_end_the_style_sheet() -> None:
    text = css_string('八步区"; } </style><script>')
    assert text.startswith('"') and text.endswith('"')
    assert '"' not in text[1:-1] and "<" not in text and "}" not in text


# --- in a real browser ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@needs_chromium
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_report_renders_in_chromium(lang: str, repo: Path, tmp_path: Path, artifacts: Path) -> None:
    run = runner_for(repo)
    html_file = artifacts / f"report-{lang}.html"
    write_report(run, html_file, "--lang", lang)

    dom = chromium(tmp_path, html_file, "--dump-dom").stdout
    for section in SECTIONS:
        assert f'<section id="{section}">' in dom
    for chart in CHARTS:
        figure = dom[dom.index(f'id="chart-{chart}"') :]
        figure = figure[: figure.index("</figure>")]
        assert "<svg" in figure and ("<rect" in figure or "<path" in figure), chart
    for key, value in summary_values(run).items():
        assert f'data-summary="{key}">{shown(value)}<' in dom, key
    coverage = json.loads(run("report", "coverage", "--format", "json").stdout)
    assert f'data-metric="coverage.coverage_rate">{shown(coverage[0]["value"])}' in dom
    for row in json.loads(run("report", "pipeline", "--format", "json").stdout):
        assert f'data-stage="{row["stage"]}">{row["count"]}<' in dom
    for row in json.loads(run("report", "petitions", "--by", "month", "--format", "json").stdout):
        assert (
            f'<tr data-month="{row["month"]}"><td>{row["month"]}</td><td class="num">'
            f'{row["total"]}</td><td class="num">{row["resolved"]}</td>' in dom
        )
    for row in json.loads(run("report", "screening", "--format", "json").stdout):
        assert f'data-member="{row["id"]}"' in dom
    for row in json.loads(run("report", "activities", "--by", "kind", "--format", "json").stdout):
        if row["sessions"]:
            assert (
                f'data-activity-kind="{row["kind"]}"><td>' in dom
                and f'</td><td class="num">{row["sessions"]}</td><td class="num">'
                f"{row['person_times']}</td>"
                in dom
            ), row
    for row in json.loads(run("report", "activities", "--by", "month", "--format", "json").stdout):
        assert f'data-activity-month="{row["month"]}"><td>{row["month"]}</td>' in dom
    for row in json.loads(run("report", "meetings", "--format", "json").stdout):
        cell = f'data-meeting="{row["branch"]}:{row["kind"]}">{row["held"]} / {row["required"]}<'
        assert cell in dom, cell
    study = json.loads(run("report", "study", "--format", "json").stdout)
    for row in study:
        assert (f'data-study="{row["id"]}"' in dom) == (row["short"] > 0)
    met = sum(1 for row in study if not row["short"])
    assert f'data-metric="study.met">{met}</strong> / {len(study)}' in dom
    if lang == "zh":
        assert "党员发展" in dom and "每月诉求" in dom
        assert "组织生活" in dom and "每月活动" in dom and "学时" in dom

    png = artifacts / f"report-{lang}.png"
    pdf = artifacts / f"report-{lang}.pdf"
    png.unlink(missing_ok=True)
    pdf.unlink(missing_ok=True)
    height = page_height(tmp_path, html_file, 1240)
    assert height > 5000  # every section, activities last
    chromium(tmp_path, html_file, f"--window-size=1240,{height}", f"--screenshot={png}")
    chromium(tmp_path, html_file, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 50_000
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b", data)) >= 3  # A4 pages, not one long sheet
    # A4 is 595 x 842 points
    assert re.search(rb"/MediaBox\s*\[\s*0 0 59[45]\.?\d*\s+84[12]\.?\d*\s*\]", data)


@needs_chromium
def test_no_request_leaves_the_page(repo: Path, tmp_path: Path) -> None:
    html_file = tmp_path / "report.html"
    write_report(runner_for(repo), html_file)
    net_log = tmp_path / "net.json"
    result = chromium(tmp_path, html_file, f"--log-net-log={net_log}", "--dump-dom")
    assert page_requests(net_log) == []
    assert csp_violations(result.stderr) == []

    # the same check sees a page that does fetch: it is not blind
    leaky = tmp_path / "leaky.html"
    leaky.write_text('<img src="http://127.0.0.1:9/x.png">', encoding="utf-8")
    chromium(tmp_path, leaky, f"--log-net-log={net_log}", "--dump-dom")
    assert page_requests(net_log) == ["http://127.0.0.1:9/x.png"]


@needs_chromium
def test_record_text_shows_as_text_in_the_browser(repo: Path, tmp_path: Path) -> None:
    run = runner_for(repo)
    assert (
        run(
            "station", "add", "--name", HOSTILE, "--kind", "rest_stop", "--opened", "2026-01-01"
        ).exit_code
        == 0
    )
    html_file = tmp_path / "report.html"
    write_report(run, html_file)
    result = chromium(tmp_path, html_file, "--dump-dom")
    dom = result.stdout
    assert "pwned" not in dom[: dom.index("</title>")]  # the script did not run
    assert "<script" not in dom  # no script element was made
    assert '<td>&lt;script&gt;document.title="pwned"&lt;/script&gt;</td>' in dom
    assert csp_violations(result.stderr) == []  # nothing even tried to run
