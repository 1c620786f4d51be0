"""The server-side charts: what they draw and that they escape what they are given."""

from reports import svg


def test_bars_are_as_long_as_their_share_and_red_below_the_target():
    chart = svg.bar_chart([("Alice", 0.5), ("Bob", 0.8), ("Carla", None)], title="Quote", target=0.6)
    assert chart.startswith("<svg") and 'role="img"' in chart and "<title" in chart
    assert '<rect x="190" y="12" width="180.0"' in chart  # 360 px for 100 %
    assert 'width="288.0" height="18" fill="#1e7b34"' in chart  # Bob, above the target
    assert 'width="180.0" height="18" fill="#b3261e"' in chart  # Alice, below it
    assert "Carla: —" in chart and chart.count("<rect") == 2
    assert 'class="target"' in chart


def test_the_trend_line_breaks_where_a_month_has_no_figure():
    chart = svg.line_chart(
        [("01/26", 0.5), ("02/26", 0.6), ("03/26", None), ("04/26", 0.7), ("05/26", 0.8)], title="Verlauf"
    )
    assert chart.count("<polyline") == 2 and chart.count("<circle") == 4
    assert "03/26: —" in chart


def test_labels_are_escaped():
    chart = svg.bar_chart([("<script>alert(1)</script>", 0.5)], title='"Quote" & <mehr>')
    assert "<script>" not in chart and "&lt;script&gt;" in chart
    assert "&quot;Quote&quot; &amp; &lt;mehr&gt;" in chart
