"""The printable report page (issue #10): one self-contained HTML file, charts as inline SVG.

Figures come from ``reports`` only (one source of truth); this module arranges them. Charts are
drawn by pygal, whose SVG keeps its text as text, so the browser lays out Chinese labels with the
reader's own fonts and nothing has to be bundled. The page is a Jinja2 template with autoescaping
on, because record text (station names, member names) is user input. The page loads nothing:
no scripts, no fonts, no images from anywhere, and a Content-Security-Policy says so.

Imports driverparty.reports, driverparty.output (column headers and code words), driverparty.labels
and driverparty.personal; never click.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygal
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup
from pygal.style import Style
from wcwidth import wcswidth

from driverparty.errors import DataError
from driverparty.i18n import _
from driverparty.labels import ZH
from driverparty.output import header, translate_code
from driverparty.personal import mask_text_tree, mask_tree

if TYPE_CHECKING:
    from driverparty.checks import Records
    from driverparty.config import Config
    from driverparty.periods import Period

Row = dict[str, Any]

#: the fonts a Chinese page is drawn with, first found wins; none is shipped with the page
FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", '
    '"PingFang SC", "Hiragino Sans GB", "Helvetica Neue", Arial, sans-serif'
)
#: colours that stay apart in greyscale print: received, resolved, on time …
COLOURS = ("#1f4e79", "#c0392b", "#2e8b57", "#d4a017", "#7f7f7f", "#6a3d9a", "#e67e22")

CHART_STYLE = Style(
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#222222",
    foreground_strong="#111111",
    foreground_subtle="#bbbbbb",
    opacity=".9",
    opacity_hover="1",
    colors=COLOURS,
    font_family=FONTS,
    title_font_size=15,
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    value_font_size=11,
    value_label_font_size=11,
)


# --- charts ---------------------------------------------------------------------------------


COMMENT: object = ET.Comment  # the tag of a comment node: a function, not a name


def _strip_scripts_and_comments(root: ET.Element) -> ET.Element:
    """pygal adds a config <script> (for its tooltips) and comments naming the render date;
    the page runs no script, and a report rendered twice must be byte-identical."""
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag
            if tag is COMMENT or (isinstance(tag, str) and tag.rsplit("}", 1)[-1] == "script"):
                parent.remove(child)
    return root


class _Text(str):
    """A label whose length is its width on screen: pygal sizes its margins by ``len(label)``,
    and a Chinese character is twice as wide as a Latin one (wcwidth counts it 2)."""

    def __len__(self) -> int:
        width = wcswidth(str(self))
        return width if width >= 0 else super().__len__()


def _render(chart: Any, key: str) -> Markup:
    chart.uuid = key  # a stable id: pygal's is random, and it prefixes the chart's own CSS
    chart.add_xml_filter(_strip_scripts_and_comments)
    svg: str = chart.render(is_unicode=True)
    # pygal's text went through ElementTree, which escapes it: the SVG is safe markup as it is.
    return Markup(svg)


def _config(title: str, width: int, height: int, **extra: Any) -> dict[str, Any]:
    config: dict[str, Any] = dict(
        title=title,
        width=width,
        height=height,
        style=CHART_STYLE,
        js=[],  # no script from the network (pygal's default is a CDN)
        disable_xml_declaration=True,  # inline in HTML
        print_values=True,  # paper has no tooltips
        legend_at_bottom=True,
        legend_at_bottom_columns=3,
        truncate_legend=-1,
        truncate_label=-1,
        margin=12,
        spacing=10,
    )
    config.update(extra)
    return config


def bar_chart(
    key: str,
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | None]]],
    *,
    horizontal: bool = False,
    width: int = 720,
    height: int = 300,
) -> Markup:
    """Grouped bars: one group per label, one bar per series (a series is (name, values))."""
    cls = pygal.HorizontalBar if horizontal else pygal.Bar
    chart = cls(
        **_config(
            title,
            width,
            height,
            show_legend=len(series) > 1,
            # pygal keeps room for len(series) // columns rows of legend: with fewer series
            # than columns that is none, and the legend fell off the chart (issue 20)
            legend_at_bottom_columns=max(1, min(len(series), 3)),
            show_y_guides=not horizontal,
            show_x_guides=horizontal,
            min_scale=1,
            max_scale=8,
            # labels side by side overlap once there are more than a dozen months (issue 20)
            x_label_rotation=0 if horizontal or _fits(labels, width) else 45,
        )
    )
    top = max((v for _, values in series for v in values if v is not None), default=0)
    if all(isinstance(v, int) for _, values in series for v in values if v is not None):
        step = max(1, -(-int(top) // 6))  # whole numbers on the axis of a count
        chart.y_labels = list(range(0, int(top) + step, step))
    order = slice(None, None, -1) if horizontal else slice(None)  # pygal stacks bars upwards
    chart.x_labels = [_Text(label) for label in labels][order]
    for name, values in series:
        chart.add(_Text(name), list(values)[order])
    return _render(chart, key)


def _fits(labels: Sequence[str], width: int) -> bool:
    """Whether the labels fit side by side under the bars (7 px a column of text, a margin)."""
    if not labels:
        return True
    widest = max(len(_Text(label)) for label in labels)
    return (widest * 7 + 8) * len(labels) <= width - 80


def pie_chart(
    key: str,
    title: str,
    parts: Sequence[tuple[str, int]],
    *,
    width: int = 290,
    height: int = 260,
    half: bool = False,
) -> Markup:
    """A pie (or a half pie) of parts (label, value)."""
    chart = pygal.Pie(
        **_config(
            title, width, height, half_pie=half, inner_radius=0.45, legend_at_bottom_columns=1
        )
    )
    for label, value in parts:
        chart.add(_Text(label), [value])
    return _render(chart, key)


# --- words ----------------------------------------------------------------------------------


class Words:
    """The page's words in one language: phrases and metrics through labels.ZH, column headers
    and codes through output (the models' own labels), so there is no second dictionary."""

    def __init__(self, lang: str) -> None:
        self.lang = lang

    def __call__(self, text: str) -> str:
        return ZH.get(text, text) if self.lang == "zh" else text

    def header(self, column: str, kind: str | None = None) -> str:
        if self.lang != "zh":
            return column.replace("_", " ")
        return header(column, self.lang, kind)

    def code(self, column: str, value: Any) -> str:
        if value is None:
            return ""
        return translate_code(column, str(value), self.lang)

    def metric(self, section: str, metric: str) -> str:
        """A summary metric's name: its own word, else the code it counts (a branch kind, a
        stage, a station kind)."""
        if self.lang != "zh":
            return metric.replace("_", " ")
        if metric in ZH:
            return ZH[metric]
        column = {"branches": "kind", "members": "stage", "stations": "kind"}.get(section)
        column = column or {"activities": "kind"}.get(section)
        kind = {"branches": "branch", "stations": "station", "activities": "activity"}.get(section)
        if column:
            return _codes(kind, column).get(metric, metric)
        return metric


@cache
def _codes(kind: str | None, column: str) -> dict[str, str]:
    from driverparty.models import KINDS

    if kind is None:
        kind = "member"
    f = KINDS[kind].fields.get(column)
    return dict(f.codes_zh) if f else {}


_CSS_UNSAFE = re.compile(r"[^A-Za-z0-9 _.-]")


def css_string(text: str) -> Markup:
    """``text`` as a quoted CSS string: every other character as a hex escape, so no county
    name can end the string or the style sheet (and HTML escaping has nothing left to do)."""
    return Markup('"' + _CSS_UNSAFE.sub(lambda m: f"\\{ord(m.group()):x} ", text) + '"')


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("driverparty", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["css_string"] = css_string
    return env


# --- the page -------------------------------------------------------------------------------


def value_text(value: Any) -> str:
    """A figure as printed: percentages keep their one decimal, unset is a dash."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    if isinstance(value, float):  # a rate (one decimal), or yuan and hours (two)
        return f"{value:.1f}" if round(value, 1) == value else f"{value:.2f}"
    return str(value)


def _by(rows: Sequence[Row], key: str) -> dict[Any, Row]:
    return {row.get(key): row for row in rows}


def on_time(row: Row) -> int | None:
    """How many of a row's resolved petitions were resolved on time, from the report's own
    rate (percent of ``resolved``, one decimal: exact for any count under 500)."""
    rate = row.get("resolved_on_time_rate")
    if rate is None:
        return None if not row.get("resolved") else 0
    return int(round(row["resolved"] * rate / 100))


def page(
    figures: dict[str, list[Row]],
    *,
    county: str,
    as_of: date,
    lang: str,
    code: str | None = None,
    period: Period | None = None,
    meetings_period: Period | None = None,
    standard: str = "",
    standard_items: Sequence[str] = (),
    study_hours: float = 32,
    reveal: bool = False,
) -> str:
    """The report page as HTML text.

    Args:
        figures: report rows by name (see :func:`figures`), as ``reports`` returns them.
        county, code, as_of: what the page header says (``as_of``: the day stock figures
            are counted, a period's end).
        period: the period flows are counted over (None: everything up to ``as_of``);
            ``meetings_period``: the one organisational life is held against.
        lang: ``en`` or ``zh``.
        standard: the name of the station standard counted; ``study_hours``: a year's.
    """
    w = Words(lang)
    if not reveal:  # personal fields, and numbers inside any text (issue 16.17)
        figures = mask_text_tree(mask_tree(figures))

    summary = figures["summary"]
    sections: dict[str, list[Row]] = {}
    for row in summary:
        sections.setdefault(row["section"], []).append(row)
    values = {f"{r['section']}.{r['metric']}": r["value"] for r in summary}

    coverage = figures["coverage"]
    rate_row = next((r for r in coverage if r["finding"] == "coverage_rate"), None)
    coverage_rate = rate_row["value"] if rate_row else None
    findings = [r for r in coverage if r["finding"] != "coverage_rate"]

    # party members, as the gauge beside it and the summary count them (issue 20: the bar of
    # those with no branch counted applicants too)
    by_branch = figures["party_by_branch"]
    branch_labels = [
        r["name"] or str(r["branch"]) if r["branch"] else w("No branch") for r in by_branch
    ]
    charts: dict[str, Markup] = {}
    charts["branches"] = bar_chart(
        "members-by-branch",
        w("Party members by branch"),
        branch_labels,
        [(w("Party members"), [r["count"] for r in by_branch])],
        horizontal=True,
        width=430,
        height=max(200, 80 + 30 * len(by_branch)),
    )
    if coverage_rate is not None:
        party = values.get("members.party") or 0
        unattached = values.get("members.unattached") or 0
        charts["coverage"] = pie_chart(
            "coverage",
            f"{w('Coverage rate')} {value_text(coverage_rate)}%",
            [(w("In a branch"), party - unattached), (w("Unattached"), unattached)],
            half=True,
        )

    pipeline = figures["pipeline"]
    charts["pipeline"] = bar_chart(
        "pipeline",
        w("Member pipeline"),
        [w.code("stage", r["stage"]) for r in pipeline],
        [(w("Members"), [r["count"] for r in pipeline])],
        height=260,
    )

    months = figures["petitions_by_month"]
    charts["months"] = bar_chart(
        "petitions-by-month",
        w("Petitions per month"),
        [r["month"] for r in months],
        [
            (w("Received"), [r["total"] for r in months]),
            (w("Resolved"), [r["resolved"] for r in months]),
            (w("Resolved on time"), [on_time(r) for r in months]),
        ],
    )

    categories = figures["petitions_by_category"]
    charts["categories"] = bar_chart(
        "petitions-by-category",
        w("Petitions by category"),
        [w.code("category", r["category"]) for r in categories],
        [
            (w("Received"), [r["total"] for r in categories]),
            (w("Resolved"), [r["resolved"] for r in categories]),
        ],
        horizontal=True,
        height=max(200, 110 + 36 * len(categories)),
    )

    stations = figures["stations"]
    meeting = [r for r in stations if r["meets"]]
    lacking = [r for r in stations if not r["meets"]]
    charts["stations"] = pie_chart(
        "stations",
        w("Stations meeting the standard"),
        [(w("Meets the standard"), len(meeting)), (w("Falls short"), len(lacking))],
    )
    missing: dict[str, int] = {}
    for r in lacking:
        for amenity in r["missing"]:
            missing[amenity] = missing.get(amenity, 0) + 1
    if missing:
        charts["missing"] = bar_chart(
            "stations-missing",
            w("What the other stations lack"),
            [w.code("amenities", a) for a in missing],
            [(w("Stations"), list(missing.values()))],
            horizontal=True,
            width=430,
            height=max(200, 80 + 30 * len(missing)),
        )

    activity_kinds = [r for r in figures["activities_by_kind"] if r["sessions"]]
    activity_months = figures["activities_by_month"]
    if activity_kinds:
        charts["activity-kinds"] = bar_chart(
            "activities-by-kind",
            w("Activities by kind"),
            [w.code("kind", r["kind"]) for r in activity_kinds],
            [(w("Sessions"), [r["sessions"] for r in activity_kinds])],
            horizontal=True,
            width=430,
            height=max(200, 80 + 30 * len(activity_kinds)),
        )
        charts["activity-months"] = bar_chart(
            "activities-by-month",
            w("Activities per month"),
            [r["month"] for r in activity_months],
            [(w("Sessions"), [r["sessions"] for r in activity_months])],
        )
    life = _life_by_branch(figures["meetings"])
    if life:
        charts["meetings"] = bar_chart(
            "meetings",
            w("Organisational life held against required"),
            [r["name"] or r["branch"] for r in life],
            [
                (w("Required"), [r["required"] for r in life]),
                (w("Held in time"), [r["required"] - r["missing"] for r in life]),
            ],
            horizontal=True,
            height=max(200, 110 + 40 * len(life)),
        )
    study = figures["study"]
    short = [r for r in study if r["short"]]

    context = dict(
        lang=lang,
        w=w,
        v=value_text,
        county=county,
        code=code,
        as_of=as_of.isoformat(),
        period=period,
        meetings_period=meetings_period,
        standard=standard,
        standard_items=list(standard_items),
        sections=sections,
        values=values,
        coverage_rate=coverage_rate,
        findings=findings,
        pipeline=pipeline,
        months=months,
        categories=categories,
        on_time=on_time,
        stations=stations,
        lacking=lacking,
        meeting=meeting,
        screening=figures["screening"],
        activity_kinds=activity_kinds,
        activity_months=activity_months,
        life=life,
        life_kinds=list(dict.fromkeys(r["kind"] for r in figures["meetings"])),
        study=study,
        short=short,
        study_hours=value_text(study_hours if study_hours % 1 else int(study_hours)),
        charts=charts,
    )
    return environment().get_template("report.html.j2").render(context)


def _life_by_branch(rows: Sequence[Row]) -> list[Row]:
    """``report meetings`` rows gathered by branch: its name, each kind's row (``kinds``),
    and the sums of ``required`` and ``missing``."""
    out: dict[str, Row] = {}
    for r in rows:
        row = out.setdefault(
            r["branch"],
            {"branch": r["branch"], "name": r["name"], "kinds": {}, "required": 0, "missing": 0},
        )
        row["kinds"][r["kind"]] = r
        row["required"] += r["required"]
        row["missing"] += r["missing"]
    return list(out.values())


def figures(
    records: Records, config: Config, as_of: date, period: Period | None = None
) -> dict[str, list[Row]]:
    """Every figure on the page, as the report commands give them (SPEC section 4): stock
    figures as of ``as_of`` or the period's end if earlier, flows (petitions received,
    activities) inside the period, organisational life over the period or else the quarter
    of that day, study hours over its year."""
    from driverparty import reports

    day = period.stock_day(as_of) if period else as_of
    since, until = (period.start, day) if period else (None, None)
    return {
        "summary": reports.summary(records, config, as_of, period),  # as summary --period
        "coverage": reports.coverage(records, day),
        "party_by_branch": reports.party_by_branch(records, day),
        "pipeline": reports.pipeline(records, day),
        "petitions_by_month": reports.report_petitions(
            records, config, day, by="month", since=since, until=until
        ),
        "petitions_by_category": reports.report_petitions(
            records, config, day, by="category", since=since, until=until
        ),
        "stations": reports.stations_standard(records, config, day),
        "screening": reports.screening(records, config, day),
        "activities_by_kind": reports.report_activities(records, day, "kind", period),
        "activities_by_month": reports.report_activities(records, day, "month", period),
        "meetings": reports.meetings(records, config, day, period),
        "study": reports.study(records, config, day, day.year),
    }


def report(
    records: Records,
    config: Config,
    as_of: date,
    lang: str,
    reveal: bool = False,
    period: Period | None = None,
) -> str:
    """The report page of a county's records as of a date (and over a period), as HTML."""
    from driverparty.periods import quarter_of

    day = period.stock_day(as_of) if period else as_of
    return page(
        figures(records, config, as_of, period),
        county=config.county,
        code=config.code,
        as_of=day,
        lang=lang,
        period=period,
        meetings_period=period or quarter_of(day),
        standard=config.default_standard,
        standard_items=config.standard(),
        study_hours=config.activities.study_hours,
        reveal=reveal,
    )


def write(path: Path, text: str) -> None:
    """Write the page whole or not at all, with the writer records use."""
    from driverparty.errors import WriteFailed, plain_os_error
    from driverparty.tomlio import atomic_write, refuse_link

    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise DataError(_("{path}: no folder {folder}").format(path=path, folder=folder))
    refuse_link(path)  # issue 16.3: exit 3, the file it points at left alone
    try:
        if path.exists() and not path.is_file():  # /dev/stdout, a pipe: written into, never
            with path.open("w", encoding="utf-8") as fh:  # replaced by a file of ours
                fh.write(text)
            return
        atomic_write(path, text.encode("utf-8"), sync=False)  # as the umask says (16.9)
    except OSError as err:  # a full disk, a read-only folder: exit 3 (issue 16.15)
        raise WriteFailed(
            _("{path}: cannot write: {err}").format(path=path, err=plain_os_error(err))
        ) from None
