"""Pictures drawn on the server: plain data in, geometry out, SVG written by a template macro.

Pure functions (no request, no database, no words): each takes the figures a service read and
returns where every bar, line and tick goes in a ``viewBox`` of the given size. The templates in
``templates/_macros/charts.html`` turn that into inline SVG with a title, a description and the
same figures as a table, so the picture is never the only way to read them. Labels and numbers
stay out of here: the template formats them for the page's language.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

WIDTH = 400
"""Every chart's viewBox width: at a phone's ~340 px the text keeps ~90% of its size."""


@dataclass(frozen=True)
class Tick:
    value: int
    position: float  # x for a horizontal axis, y for a vertical one


def nice_ticks(top: int, count: int = 4) -> list[int]:
    """Whole-number ticks from 0 to at least ``top``, about ``count`` steps of 1, 2 or 5 × 10ⁿ."""
    top = max(int(top), 1)
    raw = top / count
    magnitude = 1
    while magnitude * 10 <= raw:
        magnitude *= 10
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    last = -(-top // step) * step
    return list(range(0, last + 1, step))


# ---------- horizontal bars: one group per row, one bar per series ----------


@dataclass(frozen=True)
class HBar:
    series: int
    value: int
    x: float
    y: float
    width: float
    height: float
    value_x: float  # where the figure beside the bar starts
    value_y: float


@dataclass(frozen=True)
class HBarRow:
    key: str
    label_y: float
    bars: tuple[HBar, ...]


@dataclass(frozen=True)
class HBarChart:
    width: int
    height: float
    left: float
    rows: tuple[HBarRow, ...]


def grouped_bars(
    rows: Sequence[tuple[str, Sequence[int]]],
    *,
    width: int = WIDTH,
    bar_height: float = 14,
    label_height: float = 20,
    gap: float = 12,
    value_room: float = 36,
) -> HBarChart:
    """Rows of horizontal bars (``rows``: key and one value per series), each row's label on a
    line of its own above its bars, so a long or translated country name never squeezes them."""
    left, right = 2.0, width - value_room
    ticks = nice_ticks(max((v for _, values in rows for v in values), default=0))
    scale = (right - left) / ticks[-1]
    y = 0.0
    built = []
    for key, values in rows:
        label_y = y + label_height - 4
        y += label_height
        bars = []
        for series, value in enumerate(values):
            length = value * scale
            bars.append(
                HBar(series, value, left, y, length, bar_height, left + length + 4, y + bar_height - 3)
            )
            y += bar_height + 2
        built.append(HBarRow(key, label_y, tuple(bars)))
        y += gap
    return HBarChart(width, max(y, 1.0), left, tuple(built))


# ---------- vertical columns: one per category (a year) ----------


@dataclass(frozen=True)
class Column:
    key: str
    value: int
    x: float
    y: float
    width: float
    height: float
    center: float  # x of the label under the column and of the figure above it
    value_y: float


@dataclass(frozen=True)
class ColumnChart:
    width: int
    height: int
    left: float
    base: float  # y of the axis
    label_y: float
    columns: tuple[Column, ...]
    ticks: tuple[Tick, ...]


def columns(
    items: Sequence[tuple[str, int]], *, width: int = WIDTH, height: int = 180, left: float = 28
) -> ColumnChart:
    """Vertical bars, one per item, with a value axis from 0."""
    top, base = 18.0, height - 24.0
    ticks = nice_ticks(max((value for _, value in items), default=0))
    scale = (base - top) / ticks[-1]
    slot = (width - left) / max(len(items), 1)
    bar = min(slot * 0.6, 48)
    built = []
    for index, (key, value) in enumerate(items):
        center = left + slot * index + slot / 2
        length = value * scale
        built.append(
            Column(key, value, center - bar / 2, base - length, bar, length, center, base - length - 4)
        )
    return ColumnChart(
        width, height, left, base, height - 6.0, tuple(built), tuple(Tick(t, base - t * scale) for t in ticks)
    )


#: The key of the column that gathers the years before the others: ``<`` and the first year shown.
EARLIER = "<"


def year_items(counts: dict[int, int], *, last: int | None = None, span: int = 10) -> list[tuple[str, int]]:
    """Every year from the first with a count to ``last`` (default: the latest year counted),
    zero where nothing was counted, in at most ``span`` columns: when the years go back
    further, the first column (key ``<2018``, see :data:`EARLIER`) sums every year before the
    others, so the columns always add up to everything counted."""
    if not counts:
        return []
    last = max(last or 0, max(counts))
    first = min(counts)
    if last - first + 1 <= span:
        return [(str(year), counts.get(year, 0)) for year in range(first, last + 1)]
    first = last - span + 2
    earlier = sum(value for year, value in counts.items() if year < first)
    years = [(str(year), counts.get(year, 0)) for year in range(first, last + 1)]
    return [(f"{EARLIER}{first}", earlier), *years]


# ---------- a step line over time, against a threshold ----------


@dataclass(frozen=True)
class DateTick:
    day: date
    x: float


@dataclass(frozen=True)
class StepChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    base: float
    path: str
    end_x: float
    end_y: float
    threshold_y: float | None
    x_ticks: tuple[DateTick, ...]
    y_ticks: tuple[Tick, ...]


def _fmt(number: float) -> str:
    return f"{number:.1f}".removesuffix(".0")


def step_line(
    points: Sequence[tuple[date, int]],
    *,
    end: date,
    threshold: int | None = None,
    width: int = WIDTH,
    height: int = 200,
    left: float = 28,
) -> StepChart:
    """A running total drawn as steps: flat from each point to the next, up or down on the day
    it changed, flat again to ``end``; ``points`` are (day, total after that day), oldest first."""
    right, top, base = width - 8.0, 12.0, height - 24.0
    start = points[0][0] if points else end
    end = max(end, start)
    days = max((end - start).days, 1)
    peak = max([total for _, total in points] + [threshold or 0])
    ticks = nice_ticks(peak)
    y_scale = (base - top) / ticks[-1]

    def x_of(day: date) -> float:
        return left + (right - left) * (day - start).days / days

    def y_of(total: int) -> float:
        return base - total * y_scale

    commands = [f"M{_fmt(x_of(start))} {_fmt(base)}"]
    for day, total in points:
        commands.append(f"H{_fmt(x_of(day))}")
        commands.append(f"V{_fmt(y_of(total))}")
    commands.append(f"H{_fmt(right)}")
    final = points[-1][1] if points else 0
    x_ticks = [DateTick(start, x_of(start))]
    if end != start:
        x_ticks.append(DateTick(end, x_of(end)))
    return StepChart(
        width,
        height,
        left,
        right,
        top,
        base,
        " ".join(commands),
        right,
        y_of(final),
        y_of(threshold) if threshold else None,
        tuple(x_ticks),
        tuple(Tick(t, y_of(t)) for t in ticks),
    )


def running_totals(changes: Sequence[tuple[date, int, int]]) -> list[tuple[date, int]]:
    """(day, additions, removals) per day, in any order → (day, total after that day), oldest first."""
    total, out = 0, []
    for day, added, removed in sorted(changes):
        total += added - removed
        out.append((day, total))
    return out
