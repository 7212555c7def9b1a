"""The Portfolio page's two charts (Altair): how many workflows got each style, and the confidence histogram
stacked by style. Counts are whole workflows, so the axes show integers."""

from __future__ import annotations

import altair as alt
import pandas as pd

from advisor.rulebook.formats import STYLES

# Why an explicit integer format with a step of one: Vega's default for a small or all-zero count axis is
# fractional ("0.000000", "0.5 workflows")
COUNT_AXIS = alt.Axis(format="d", tickMinStep=1)
HEIGHT = 260


def styles_chart(counts: pd.DataFrame, names: dict[str, str]) -> alt.Chart:
    """Bars of `style_counts` (columns style, workflows), labelled with the rulebook's style names."""
    order = [names[s] for s in STYLES]
    return (
        alt.Chart(counts.assign(style=lambda f: f["style"].map(names)))
        .mark_bar()
        .encode(
            x=alt.X("style:N", sort=order, title=None, axis=alt.Axis(labelAngle=0)),
            y=alt.Y("workflows:Q", title="workflows", axis=COUNT_AXIS),
            color=alt.Color("style:N", scale=alt.Scale(domain=order), legend=None),
            tooltip=["style:N", "workflows:Q"],
        )
        .properties(height=HEIGHT)
    )


def confidence_chart(histogram: pd.DataFrame, names: dict[str, str]) -> alt.Chart:
    """Stacked bars of `confidence_histogram` (columns bin, style, workflows)."""
    return (
        alt.Chart(histogram.assign(style=lambda f: f["style"].map(names)))
        .mark_bar()
        .encode(
            x=alt.X("bin:O", title="confidence", axis=alt.Axis(labelAngle=-45)),
            y=alt.Y("sum(workflows):Q", title="workflows", axis=COUNT_AXIS),
            color=alt.Color("style:N", scale=alt.Scale(domain=[names[s] for s in STYLES]), title="style"),
            tooltip=["bin:O", "style:N", "workflows:Q"],
        )
        .properties(height=HEIGHT)
    )
