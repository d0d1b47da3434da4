"""Charts drawn by the server: pure functions from counts to the shapes a template draws.

Each chart is a small frozen dataclass of coordinates, labels and counts; the partials
`_timeline.html`, `_network.html` and `_map.html` turn it into inline SVG (no script,
colours from classes in `pantau.css`, so the Content-Security-Policy holds) with a
table beside it for screen readers.

- `timeline_chart`: documents per month, stacked by incident label.
- `network_chart`: one subject in the middle, the subjects named with it on a ring.
- `province_map`: a tile grid of the 38 provinces shaded in five classes by count.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from models.i18n import babel_locale
from models.records import INCIDENT_LABELS, CoSubject, Dossier
from web.labels import region_label, value_name
from web.province_grid import COLUMNS, PROVINCE_TILES, ROWS

# --- timeline -------------------------------------------------------------------------

TIMELINE_WIDTH = 720
TIMELINE_HEIGHT = 240
PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, PLOT_BOTTOM = 48, 712, 12, 204
MAX_MONTHS = 60  # the latest five years; older months are left off (and said so)
MONTH_LABEL_WIDTH = 64  # room one "MMM yyyy" label needs on the axis
BAR_GAP = 0.2  # share of a month's slot left empty between bars
MAX_BAR_WIDTH = 48  # a few months get bars this wide, centred in their slots


@dataclass(frozen=True)
class Segment:
    """One incident's part of a month's bar: `series` picks its colour class."""

    incident: str
    name: str
    series: int
    y: float
    height: float
    documents: int


@dataclass(frozen=True)
class MonthBar:
    """One month: its slot on the axis, its stacked segments and its axis label."""

    month: str
    label: str
    x: float
    width: float
    documents: int
    segments: list[Segment]
    labelled: bool


@dataclass(frozen=True)
class Tick:
    """A value on the count axis and its height."""

    y: float
    value: int


@dataclass(frozen=True)
class LegendEntry:
    """An incident label shown in the chart, its colour class and its documents."""

    incident: str
    name: str
    series: int
    documents: int


@dataclass(frozen=True)
class TimelineChart:
    """Documents per month by incident: bars, count axis, legend and sampling step."""

    bars: list[MonthBar]
    ticks: list[Tick]
    legend: list[LegendEntry]
    step: int
    months_left_off: int
    width: int = TIMELINE_WIDTH
    height: int = TIMELINE_HEIGHT
    left: int = PLOT_LEFT
    right: int = PLOT_RIGHT
    top: int = PLOT_TOP
    bottom: int = PLOT_BOTTOM

    @property
    def rows(self) -> list[tuple[str, str, int]]:
        """(month label, incident name, documents) of every segment: the table beside."""
        return [(bar.label, s.name, s.documents) for bar in self.bars for s in bar.segments]


def month_label(month: str) -> str:
    """ "Mei 2024" / "May 2024" for "2024-05", in the current language."""
    year, number = int(month[:4]), int(month[5:7])
    return format_date(date(year, number, 1), "MMM yyyy", locale=babel_locale())


def month_range(first: str, last: str) -> list[str]:
    """Every month "YYYY-MM" from `first` to `last`, both included."""
    year, number = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{number:02d}" <= last:
        months.append(f"{year:04d}-{number:02d}")
        year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return months


def nice_ticks(most: int) -> list[int]:
    """Round values from 0 to at least `most` for the count axis (at most six)."""
    if most <= 0:
        return [0, 1]
    magnitude = 10 ** int(math.floor(math.log10(most)))
    step = next(m * magnitude for m in (0.1, 0.2, 0.5, 1, 2, 5, 10) if m * magnitude * 5 >= most)
    step = max(1, int(step))
    top = step * math.ceil(most / step)
    return list(range(0, top + 1, step))


def series_of(incident: str) -> int:
    """The colour class of an incident label: fixed, so colours agree between charts."""
    return INCIDENT_LABELS.index(incident) if incident in INCIDENT_LABELS else len(INCIDENT_LABELS)


def timeline_chart(counts: Mapping[tuple[str, str], int], *, step: int = 1) -> TimelineChart | None:
    """Stacked bars of documents per (month "YYYY-MM", incident); None without counts.

    Months without documents between the first and the last keep their (empty) slot.
    """
    counts = {key: n for key, n in counts.items() if n > 0 and len(key[0]) >= 7}
    if not counts:
        return None
    months = month_range(min(m for m, _ in counts)[:7], max(m for m, _ in counts)[:7])
    left_off = max(0, len(months) - MAX_MONTHS)
    months = months[left_off:]
    totals = Counter[str]()
    for (month, _incident), documents in counts.items():
        totals[month[:7]] += documents
    ticks = nice_ticks(max(totals[m] for m in months) if months else 0)
    scale = (PLOT_BOTTOM - PLOT_TOP) / ticks[-1]
    slot = (PLOT_RIGHT - PLOT_LEFT) / len(months)
    every = max(1, math.ceil(MONTH_LABEL_WIDTH / slot))
    bars = []
    for index, month in enumerate(months):
        here = sorted(
            ((incident, n) for (m, incident), n in counts.items() if m[:7] == month),
            key=lambda item: series_of(item[0]),
        )
        segments, y = [], float(PLOT_BOTTOM)
        for incident, documents in here:
            height = documents * scale
            y -= height
            name = value_name("incident", incident)
            segments.append(Segment(incident, name, series_of(incident), y, height, documents))
        width = min(slot * (1 - BAR_GAP), MAX_BAR_WIDTH)
        x = PLOT_LEFT + index * slot + (slot - width) / 2
        labelled = (len(months) - 1 - index) % every == 0  # the latest month always
        bars.append(
            MonthBar(
                month,
                month_label(month),
                x,
                width,
                totals[month],
                segments,
                labelled,
            )
        )
    return TimelineChart(
        bars=bars,
        ticks=[Tick(PLOT_BOTTOM - value * scale, value) for value in ticks],
        legend=legend_of(counts, months),
        step=step,
        months_left_off=left_off,
    )


def legend_of(counts: Mapping[tuple[str, str], int], months: list[str]) -> list[LegendEntry]:
    """The incidents drawn, in colour order, with their documents over the drawn months."""
    shown = set(months)
    totals = Counter[str]()
    for (month, incident), documents in counts.items():
        if month[:7] in shown:
            totals[incident] += documents
    return [
        LegendEntry(incident, value_name("incident", incident), series_of(incident), n)
        for incident, n in sorted(totals.items(), key=lambda item: series_of(item[0]))
    ]


def dossier_timeline(dossier: Dossier) -> TimelineChart | None:
    """The subject's incidents by their own dates: documents per month and incident."""
    documents: dict[tuple[str, str], set[int]] = {}
    for incident in dossier.incidents:
        if incident.date and len(incident.date) >= 7:
            key = (incident.date[:7], incident.label)
            documents.setdefault(key, set()).add(incident.document_id)
    return timeline_chart({key: len(ids) for key, ids in documents.items()})


# --- network --------------------------------------------------------------------------

MAX_NEIGHBOURS = 20
RING = 170  # the ring's radius
NODE_RADIUS, CENTRE_RADIUS = 6, 10
LABEL_GAP = 10  # between a node and its label
LABEL_CHARS = 22  # longer names are cut (the whole name is in the node's title)
FONT_SIZE = 11
CHAR_WIDTH = 0.62 * FONT_SIZE  # a generous average for the sans-serif labels
NETWORK_MARGIN = 8
EDGE_WIDTHS = (1.0, 6.0)


@dataclass(frozen=True)
class NetworkNode:
    """A subject on the chart: where it is drawn, its label and the edge to the middle."""

    subject_id: int
    name: str
    label: str
    nationality: str | None
    documents: int
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    edge_width: float

    @property
    def href(self) -> str:
        return f"/subjects/{self.subject_id}"


@dataclass(frozen=True)
class NetworkChart:
    """One subject in the middle and the subjects named with it on a ring around it."""

    centre: NetworkNode
    nodes: list[NetworkNode]
    left_off: int
    width: float
    height: float


def short_name(name: str) -> str:
    """The name, cut to `LABEL_CHARS` characters with an ellipsis."""
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1].rstrip() + "…"


def anchor_of(cos: float) -> str:
    """Labels on the right start at their node, on the left end at it."""
    if cos > 1e-9:
        return "start"
    return "end" if cos < -1e-9 else "middle"


def network_chart(
    centre_id: int, centre_name: str, neighbours: Iterable[CoSubject]
) -> NetworkChart | None:
    """The subject and up to `MAX_NEIGHBOURS` others, the most shared documents first,
    placed clockwise from the top by rank (half a step off, so no label stands on
    another); None when nobody is named alongside."""
    ranked = sorted(neighbours, key=lambda c: (-c.documents, c.subject_id))
    shown = ranked[:MAX_NEIGHBOURS]
    if not shown:
        return None
    most = shown[0].documents
    reach = RING + LABEL_GAP + LABEL_CHARS * CHAR_WIDTH + NETWORK_MARGIN
    cx, cy = reach, RING + LABEL_GAP + 2 * FONT_SIZE + NETWORK_MARGIN
    nodes = []
    for rank, other in enumerate(shown):
        angle = -math.pi / 2 + (rank + 0.5) * 2 * math.pi / len(shown)
        cos, sin = math.cos(angle), math.sin(angle)
        anchor = anchor_of(cos)
        label_radius = RING + LABEL_GAP
        below = FONT_SIZE if anchor == "middle" and sin > 0 else 0
        low, high = EDGE_WIDTHS
        nodes.append(
            NetworkNode(
                subject_id=other.subject_id,
                name=other.name,
                label=short_name(other.name),
                nationality=other.nationality,
                documents=other.documents,
                x=round(cx + RING * cos, 1),
                y=round(cy + RING * sin, 1),
                label_x=round(cx + label_radius * cos, 1),
                label_y=round(cy + label_radius * sin + FONT_SIZE / 3 + below, 1),
                anchor=anchor,
                edge_width=round(low + (high - low) * other.documents / most, 1),
            )
        )
    centre = NetworkNode(
        centre_id, centre_name, short_name(centre_name), None, 0, cx, cy, cx,
        cy + CENTRE_RADIUS + FONT_SIZE + 4, "middle", 0,
    )  # fmt: skip
    return NetworkChart(centre, nodes, len(ranked) - len(shown), 2 * cx, 2 * cy)


def dossier_network(dossier: Dossier) -> NetworkChart | None:
    """The dossier's subject and the subjects named alongside (`Dossier.co_subjects`:
    the same pairs as `storage.xref.co_occurring` for this subject)."""
    subject = dossier.subject
    return network_chart(subject.id, subject.name, dossier.co_subjects)


def label_box(node: NetworkNode) -> tuple[float, float, float, float]:
    """The (left, top, right, bottom) a node's label takes, estimated from its length."""
    width = len(node.label) * CHAR_WIDTH
    left = {"start": node.label_x, "end": node.label_x - width}.get(
        node.anchor, node.label_x - width / 2
    )
    baseline = node.label_y
    return (left, baseline - FONT_SIZE, left + width, baseline + FONT_SIZE * 0.25)


# --- province map ---------------------------------------------------------------------

TILE = 52  # a tile's side, gap included
TILE_GAP = 3
SHADES = 5


@dataclass(frozen=True)
class Tile:
    """One province: where its square goes, its count, shade (0: none) and link."""

    code: str
    name: str
    short: str
    x: int
    y: int
    size: int
    documents: int
    shade: int
    href: str


@dataclass(frozen=True)
class ShadeClass:
    """A legend entry: the shade and the counts it stands for (both included)."""

    shade: int
    low: int
    high: int


@dataclass(frozen=True)
class ProvinceMap:
    """Every province's tile, the legend of shades and the sampling step."""

    tiles: list[Tile]
    classes: list[ShadeClass]
    step: int
    width: int = COLUMNS * TILE
    height: int = ROWS * TILE

    @property
    def counted(self) -> list[Tile]:
        """Tiles with documents, most first: the table beside the map."""
        return sorted((t for t in self.tiles if t.documents), key=lambda t: (-t.documents, t.code))


def shade_of(documents: int, most: int) -> int:
    """0 for none, else 1 to `SHADES` in equal steps up to `most`: ceil(5 × n / most)."""
    if documents <= 0 or most <= 0:
        return 0
    return min(SHADES, -(-SHADES * documents // most))


def shade_classes(most: int) -> list[ShadeClass]:
    """The count range of each shade that can occur (shades too narrow to hold a whole
    number are left out)."""
    classes = []
    for shade in range(1, SHADES + 1):
        low, high = (shade - 1) * most // SHADES + 1, shade * most // SHADES
        if low <= high:
            classes.append(ShadeClass(shade, low, high))
    return classes


def province_map(
    counts: Mapping[str, int], *, href: Callable[[str], str], step: int = 1
) -> ProvinceMap:
    """The 38 provinces' tiles shaded by their counts; `href(code)` is each tile's link.

    Codes outside the 38 (unknown or old ones) are not drawn.
    """
    most = max((counts.get(code, 0) for code in PROVINCE_TILES), default=0)
    tiles = [
        Tile(
            code=code,
            name=region_label(code),
            short=place.short,
            x=place.column * TILE,
            y=place.row * TILE,
            size=TILE - TILE_GAP,
            documents=counts.get(code, 0),
            shade=shade_of(counts.get(code, 0), most),
            href=href(code),
        )
        for code, place in sorted(PROVINCE_TILES.items())
    ]
    return ProvinceMap(tiles=tiles, classes=shade_classes(most), step=step)


TEMPLATE_GLOBALS = {"dossier_timeline": dossier_timeline, "dossier_network": dossier_network}
