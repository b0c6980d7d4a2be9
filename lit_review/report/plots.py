"""Plotting helpers for reports: small, bounded, deterministic figures.

Every figure is bounded in size whatever the corpus (top-N bars, not every row) and carries
no date or random id, so that two builds give the same bytes.
"""

from __future__ import annotations

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..record import excerpt

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


def _box(ax, x: float, y: float, text: str, main: bool = True):
    style = {"fc": "#eef2f8", "ec": COLOR} if main else {"fc": "#f8eeee", "ec": "#b04c4c"}
    return ax.text(x, y, text, ha="center", va="center", fontsize=8.5, parse_math=False,  # "$" is a dollar
                   bbox={"boxstyle": "round", **style})  # fmt: skip


def _arrow(ax, start, end) -> None:
    """An arrow from ``start`` to ``end``: boxes (it runs edge to edge, whatever their text's size) or points."""
    props = {"arrowstyle": "->", "shrinkA": 0, "shrinkB": 0}
    if not isinstance(start, tuple):
        props["patchA"] = start.get_bbox_patch()
        start = start.get_position()
    if not isinstance(end, tuple):
        props["patchB"] = end.get_bbox_patch()
        end = end.get_position()
    ax.annotate("", xy=end, xytext=start, arrowprops=props)


def prisma_figure(counts: dict, n_reasons: int = 3) -> Figure:
    """A PRISMA 2020 flow diagram of :func:`lit_review.report.theme_review.prisma_counts`: records
    identified per source (up to 5 named) -> records removed (duplicates, unreadable) -> papers
    screened -> excluded (by reviewers, with their ``n_reasons`` most frequent reasons; by the
    model or the term match) and undecided -> included."""
    fig = Figure(figsize=(7.6, 6.0), layout="constrained")
    ax = fig.subplots()
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 12)
    ax.axis("off")
    sources = list(counts["identified"].items())
    shown = sources if len(sources) <= 5 else sources[:4]
    named = "".join(f"\n{excerpt(str(src), 34)}: {n}" for src, n in shown)
    if len(shown) < len(sources):
        named += f"\n{len(sources) - 4} more sources: {sum(n for _, n in sources[4:])}"
    auto = counts["auto"]
    excluded = counts["excluded_reviewers"] + counts["excluded_auto"]
    reasons = sorted(counts["exclusion_reasons"].items(), key=lambda kv: (-kv[1], kv[0]))[:n_reasons]
    why = "".join(f"\n  {excerpt(str(r), 30)}: {k}" for r, k in reasons)
    identified = _box(ax, 3.0, 10.4, f"Records identified\nn = {counts['identified_total']}{named}")
    removed = _box(ax, 8.0, 10.4, f"Records removed\nduplicates: {counts['duplicates_removed']}\n"
         f"unreadable: {counts['rejected_unreadable']}", main=False)  # fmt: skip
    screened = _box(ax, 3.0, 6.6, f"Papers screened\nn = {counts['screened']}")
    excluded_box = _box(ax, 8.0, 6.6, f"Excluded\nn = {excluded}\nby reviewers: {counts['excluded_reviewers']}{why}\n"
         f"by {auto}: {counts['excluded_auto']}", main=False)  # fmt: skip
    undecided = _box(
        ax, 8.0, 3.2, f"Undecided\nmaybe: {counts['maybe']}\nconflict: {counts['conflicts']}", main=False
    )
    included = _box(ax, 3.0, 1.4, f"Papers included\nn = {counts['included']}\n"
         f"by reviewers: {counts['included_reviewers']}\nby {auto}: {counts['included_auto']}")  # fmt: skip
    _arrow(ax, identified, screened)
    _arrow(ax, screened, included)
    _arrow(ax, identified, removed)
    _arrow(ax, screened, excluded_box)
    _arrow(ax, (3.0, 3.2), undecided)
    return fig


def bubble_chart(table: pd.DataFrame, title: str) -> Figure:
    """A bubble chart of a facet x facet count table (rows on the y axis, columns on the x axis): a
    bubble's area is its count, written in it; empty cells get no bubble."""
    rows, cols = [excerpt(str(i), 44) for i in table.index], [excerpt(str(c), 28) for c in table.columns]
    fig, ax = _figure(1.6 + 1.1 * len(cols) + 2.2, 1.2 + 0.45 * len(rows))
    values = table.to_numpy()
    biggest = max(int(values.max()) if values.size else 0, 1)
    for y in range(len(rows)):
        for x in range(len(cols)):
            n = int(values[len(rows) - 1 - y, x])
            if n:
                ax.scatter([x], [y], s=900 * n / biggest, color=COLOR, alpha=0.55, linewidths=0)
                ax.text(x, y, str(n), ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(cols)), cols, rotation=30, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), rows[::-1], fontsize=8)
    ax.set_xlim(-0.7, len(cols) - 0.3)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xlabel(str(table.columns.name or ""))
    ax.set_ylabel(str(table.index.name or ""))
    ax.set_title(title)
    ax.grid(True, color="#eeeeee")
    ax.set_axisbelow(True)
    return fig


def stacked_bars(table: pd.DataFrame, title: str) -> Figure:
    """Bars per row of ``table`` (months), stacked by column (sub-topics), with a legend."""
    fig, ax = _figure(7.6, 3.4)
    bottom = [0] * len(table)
    cmap = matplotlib.colormaps["tab10"]
    labels = [str(i) for i in table.index]
    for k, col in enumerate(table.columns):
        values = [int(v) for v in table[col]]
        ax.bar(labels, values, bottom=bottom, color=cmap(k % 10), label=excerpt(str(col), 40))
        bottom = [b + v for b, v in zip(bottom, values)]
    ax.set_ylabel("papers")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title)
    if len(labels) > 8:
        ax.tick_params(axis="x", labelrotation=60, labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    if len(table.columns):
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
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
