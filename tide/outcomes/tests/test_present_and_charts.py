import math

import pytest

from tide.outcomes import charts, present, stats


def change(**kwargs):
    base = {
        "n": 20,
        "mean_before": 1.2,
        "mean_after": 0.756,
        "absolute_change": -0.444,
        "relative_change": -0.37,
        "percentage_point_change": None,
        "absolute_ci": stats.Interval(-0.6, -0.3),
        "relative_ci": stats.Interval(-0.5, -0.25),
        "wilcoxon_p": 0.0004,
        "t_p": 0.02,
        "distribution": stats.Distribution(12, 5, 3),
        "proportion": False,
    }
    base.update(kwargs)
    return stats.PairedChange(**base)


def test_counts_are_rounded_only_for_display():
    c = change()
    assert present.level(c, "before") == "1.20"
    assert present.change_text(c) == "\u22120.44 (\u221237%)"
    assert present.ci_text(c) == "\u221250% to \u221225%"
    assert present.distribution_text(c) == "12 better, 5 same, 3 worse"


def test_proportions_read_as_percentages_and_points():
    c = change(
        mean_before=0.46,
        mean_after=0.05,
        absolute_change=-0.41,
        percentage_point_change=-41.0,
        absolute_ci=stats.Interval(-0.5, -0.33),
        proportion=True,
    )
    assert present.level(c, "before") == "46%"
    assert present.change_text(c) == "\u221241 percentage points"
    assert present.ci_text(c) == "\u221250 to \u221233 points"


def test_p_values_and_missing_values():
    assert present.p_value(0.0004) == "< 0.001"
    assert present.p_value(0.0456) == "0.046"
    assert present.p_value(None) == "not tested"
    assert present.number(math.nan) == "–"
    assert present.signed(0.5, 1, "%") == "+0.5%"


def test_csv_rows_keep_unrounded_values():
    from tide.outcomes.catalogue import BY_CODE
    from tide.outcomes.cohort import Figure

    row = present.figure_csv_row(
        Figure(BY_CODE["ae_attendance"], 4, change(mean_after=0.7561234567), {"died": 2}, 0.01)
    )
    assert "0.7561234567" in row
    assert row[present.CSV_HEADER.index("excluded_died")] == "2"


@pytest.mark.parametrize(
    ("value", "expected"), [(0, 1.0), (0.8, 1.0), (1.3, 2.0), (2.2, 2.5), (37, 50.0), (101, 200.0)]
)
def test_axis_maximum_is_round(value, expected):
    assert charts.nice_max(value) == expected


def test_bar_chart_is_labelled_and_escapes_text():
    svg = charts.bar_chart(
        chart_id="c1",
        title="A&E <visits>",
        description="Q1: 2",
        bars=[charts.Bar("Baseline", 2.0, muted=True), charts.Bar("Q1", 1.0, 0.5, 1.5), charts.Bar("Q2", None)],
        unit="per person",
    )
    assert 'role="img"' in svg
    assert 'aria-labelledby="c1-title c1-desc"' in svg
    assert "A&amp;E &lt;visits&gt;" in svg
    assert "<visits>" not in svg
    assert svg.count("<rect") == 2  # no bar for a quarter without a value


def test_line_chart_draws_every_point():
    svg = charts.line_chart(
        chart_id="n", title="NDT", description="", points=[("Jan", 30), ("Apr", 24), ("Jul", 20)], y_max=48
    )
    assert svg.count("<circle") == 3
