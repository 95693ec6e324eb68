"""The pictures' geometry: plain figures in, positions out (turkicnet/core/charts.py)."""

from datetime import date

import pytest

from turkicnet.core import charts


@pytest.mark.parametrize(
    ("top", "ticks"),
    [(0, [0, 1]), (1, [0, 1]), (3, [0, 1, 2, 3]), (5, [0, 2, 4, 6]), (7, [0, 2, 4, 6, 8]),
     (40, [0, 10, 20, 30, 40])],
)
def test_ticks_are_whole_numbers_from_zero_past_the_top(top, ticks):
    assert charts.nice_ticks(top) == ticks


def test_bars_are_as_long_as_their_values_against_one_scale():
    chart = charts.grouped_bars([("KZ", (2, 1)), ("TR", (1, 0))], width=400, value_room=40)
    kazakhstan, turkiye = chart.rows
    assert [row.key for row in chart.rows] == ["KZ", "TR"]
    assert [bar.value for bar in kazakhstan.bars] == [2, 1]
    # the longest bar reaches the end of the scale (ticks 0, 1, 2), the others in proportion
    assert kazakhstan.bars[0].width == pytest.approx(400 - 40 - chart.left)
    assert kazakhstan.bars[1].width == pytest.approx(kazakhstan.bars[0].width / 2)
    assert turkiye.bars[1].width == 0
    # each figure starts just after its bar, inside the picture
    assert all(bar.value_x == pytest.approx(bar.x + bar.width + 4) for row in chart.rows for bar in row.bars)
    assert max(bar.value_x for row in chart.rows for bar in row.bars) < chart.width


def test_bar_rows_stack_downwards_without_overlapping_and_the_height_holds_them_all():
    chart = charts.grouped_bars([("AZ", (1, 1)), ("KG", (3, 2)), ("UZ", (1, 0))])
    edges = []
    for row in chart.rows:
        edges.append((row.label_y - 14, row.label_y))
        edges.extend((bar.y, bar.y + bar.height) for bar in row.bars)
    assert all(lower[0] >= upper[1] - 0.01 for upper, lower in zip(edges, edges[1:], strict=False))
    assert chart.height >= edges[-1][1]


def test_no_rows_make_an_empty_picture_not_an_error():
    chart = charts.grouped_bars([])
    assert chart.rows == () and chart.height == 1


def test_columns_stand_on_the_axis_with_heights_in_proportion():
    chart = charts.columns([("2024", 1), ("2025", 0), ("2026", 4)], width=400, height=180)
    first, empty, last = chart.columns
    assert [column.key for column in chart.columns] == ["2024", "2025", "2026"]
    assert all(column.y + column.height == pytest.approx(chart.base) for column in chart.columns)
    assert last.height == pytest.approx(4 * first.height)
    assert empty.height == 0
    assert [tick.value for tick in chart.ticks] == [0, 1, 2, 3, 4]
    assert chart.ticks[-1].position == pytest.approx(last.y)
    # evenly spaced, inside the picture, left of the value axis labels
    assert last.center - empty.center == pytest.approx(empty.center - first.center)
    assert chart.left < first.x and last.x + last.width <= chart.width


def test_year_items_fill_the_gaps_with_zero_and_reach_the_last_year():
    assert charts.year_items({2022: 2, 2024: 1}, last=2026) == [
        ("2022", 2), ("2023", 0), ("2024", 1), ("2025", 0), ("2026", 0),
    ]  # fmt: skip
    assert charts.year_items({}, last=2026) == []


def test_years_before_the_span_are_counted_together_in_one_earlier_column():
    items = charts.year_items({2001: 5, 2012: 2, 2018: 1, 2025: 1}, last=2026, span=10)
    assert items[0] == ("<2018", 7)
    assert items[1] == ("2018", 1) and items[-1] == ("2026", 0) and len(items) == 10
    assert sum(value for _, value in items) == 9  # nothing counted is left out


def test_years_within_the_span_need_no_earlier_column():
    items = charts.year_items({2017: 3, 2026: 1}, last=2026, span=10)
    assert items[0] == ("2017", 3) and len(items) == 10


def test_running_totals_add_signatures_and_take_away_withdrawals_day_by_day():
    changes = [(date(2026, 3, 1), 1, 1), (date(2026, 1, 10), 2, 0), (date(2026, 2, 5), 1, 0)]
    assert charts.running_totals(changes) == [
        (date(2026, 1, 10), 2), (date(2026, 2, 5), 3), (date(2026, 3, 1), 3),
    ]  # fmt: skip


def test_the_step_line_climbs_on_each_day_and_stays_flat_between():
    points = [(date(2026, 1, 1), 1), (date(2026, 1, 11), 3)]
    chart = charts.step_line(points, end=date(2026, 1, 21), threshold=5, width=400, height=200, left=28)
    # ticks 0…6 (2, 4, 6) over base-top; x from Jan 1 (left) to Jan 21 (right)
    assert [tick.value for tick in chart.y_ticks] == [0, 2, 4, 6]
    middle = (28 + chart.right) / 2
    y1 = chart.base - (chart.base - chart.top) / 6
    y3 = chart.base - 3 * (chart.base - chart.top) / 6
    expected = f"M28 {chart.base:g} H28 V{y1:.1f} H{middle:.1f} V{y3:.1f} H{chart.right:g}"
    assert chart.path == expected.replace(".0 ", " ").replace(".0H", "H")
    assert chart.threshold_y == pytest.approx(chart.base - 5 * (chart.base - chart.top) / 6)
    assert chart.end_y == pytest.approx(y3)
    assert [tick.day for tick in chart.x_ticks] == [date(2026, 1, 1), date(2026, 1, 21)]
    assert chart.x_ticks[1].x == chart.right


def test_the_step_line_comes_down_after_a_withdrawal_and_the_threshold_sets_the_scale():
    points = [(date(2026, 1, 1), 2), (date(2026, 1, 2), 1)]
    chart = charts.step_line(points, end=date(2026, 1, 3), threshold=10)
    assert chart.y_ticks[-1].value == 10
    vertical = [float(part[1:]) for part in chart.path.split() if part.startswith("V")]
    assert vertical[1] > vertical[0]  # lower on the page: fewer signatures
    assert chart.threshold_y == pytest.approx(chart.top)


def test_a_single_day_of_signatures_still_draws_a_line():
    chart = charts.step_line([(date(2026, 12, 4), 3)], end=date(2026, 12, 4), threshold=5)
    assert chart.path.startswith("M") and chart.path.endswith(f"H{chart.right:g}")
    assert len(chart.x_ticks) == 1
