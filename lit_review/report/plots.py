"""Plotting helpers for reports: small, bounded, deterministic figures.

Every figure is bounded in size whatever the corpus (top-N bars, not every row) and carries
no date or random id, so that two builds give the same bytes.
"""

from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.figure import Figure

matplotlib.rcParams["svg.hashsalt"] = "lit-review"
matplotlib.rcParams["figure.dpi"] = 96
COLOR = "#4c72b0"


def _figure(width: float = 7.0, height: float = 3.2) -> tuple[Figure, object]:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig, fig.subplots()


def bar_chart(counts: pd.Series, title: str, xlabel: str = "", horizontal: bool = False) -> Figure:
    """A bar chart of ``counts`` (index -> count), with the count written on each bar."""
    fig, ax = _figure(7.0, max(2.4, 0.3 * len(counts) + 1.0) if horizontal else 3.2)
    labels = [str(i) for i in counts.index]
    values = [int(v) for v in counts.values]
    if horizontal:
        bars = ax.barh(labels[::-1], values[::-1], color=COLOR)
        ax.set_xlabel("papers")
    else:
        bars = ax.bar(labels, values, color=COLOR)
        ax.set_ylabel("papers")
        ax.set_xlabel(xlabel)
        if len(labels) > 8:
            ax.tick_params(axis="x", labelrotation=45)
    ax.bar_label(bars, padding=2, fontsize=8)
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    if not values:
        ax.text(0.5, 0.5, "no papers", ha="center", va="center", transform=ax.transAxes)
    return fig


def prisma_figure(counts: dict) -> Figure:
    """A PRISMA-style flow diagram: identified -> duplicates removed -> screened -> included."""
    fig = Figure(figsize=(7.0, 4.6), layout="constrained")
    ax = fig.subplots()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 10)
    ax.axis("off")
    steps = [
        (f"Records identified\nn = {counts['identified_total']} from {len(counts['identified'])} sources", 9.0),
        (f"Unique papers after removing\n{counts['duplicates_removed']} duplicates "
         f"({counts['rejected_unreadable']} unreadable)", 6.5),
        (f"Papers screened\nn = {counts['screened']}", 4.0),
        (f"Papers included\nn = {counts['included']} ({counts['included_auto']} automatic, "
         f"{counts['included_manual']} manual)", 1.5),
    ]  # fmt: skip
    for text, y in steps:
        ax.text(3.5, y, text, ha="center", va="center", fontsize=9,
                bbox={"boxstyle": "round", "fc": "#eef2f8", "ec": COLOR})  # fmt: skip
    for (_, y0), (_, y1) in zip(steps, steps[1:]):
        ax.annotate("", xy=(3.5, y1 + 0.8), xytext=(3.5, y0 - 0.8), arrowprops={"arrowstyle": "->"})
    excluded = counts["excluded_auto"] + counts["excluded_manual"]
    ax.text(8.3, 2.75, f"Excluded\nn = {excluded}\n({counts['excluded_auto']} automatic,\n"
            f"{counts['excluded_manual']} manual)", ha="center", va="center", fontsize=9,
            bbox={"boxstyle": "round", "fc": "#f8eeee", "ec": "#b04c4c"})  # fmt: skip
    ax.annotate("", xy=(6.9, 2.75), xytext=(3.5, 2.75), arrowprops={"arrowstyle": "->"})
    return fig


def figure_html(fig: Figure, alt: str, caption: str = "") -> str:
    """The figure as a self-contained ``<figure>`` (embedded PNG, alt text, optional caption)."""
    import base64
    import html
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    cap = f"<figcaption>{html.escape(caption)}</figcaption>" if caption else ""
    return f'<figure><img alt="{html.escape(alt, quote=True)}" src="data:image/png;base64,{data}"/>{cap}</figure>'
