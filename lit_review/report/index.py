"""The index page: every theme (title, scope, counts, links), the overview, and what the build read.

Everything on it comes from the inputs (themes, corpus, ``sources.toml`` capture dates), never
from the clock, so two builds of the same inputs give the same bytes.
"""

from __future__ import annotations

import html
from collections import Counter
from pathlib import Path

from .render import page, table_html

OVERVIEW = "overview"  # the corpus overview report's name (``overview.html``)


def _esc(value) -> str:
    return html.escape(str(value), quote=True)


def _theme_row(t, size: int, failed: dict[str, str], out_dir: Path) -> list[str]:
    from ..synthesis import draft_name
    from .feed import feed_name
    from .theme_review import full_list_name

    slug = _esc(t.slug)
    built = (out_dir / f"{t.slug}.html").exists()
    title = f'<a href="{slug}.html">{_esc(t.title)}</a>' if built else _esc(t.title)
    links = [
        f'<a href="{_esc(name)}">{label}</a>'
        for name, label in (
            (full_list_name(t.slug), "full ranked list"),
            (f"{t.slug}.bib", "BibTeX"),
            (feed_name(t.slug), "Atom feed"),
            (draft_name(t.slug, "tex"), "related-work draft (LaTeX)"),
            (draft_name(t.slug, "md"), "related-work draft (Markdown)"),
        )  # fmt: skip
        if (out_dir / name).exists()
    ]
    if t.slug in failed:
        links.insert(0, "<strong>build failed: see the build log</strong>")
    elif not built:
        links.insert(0, "not built")
    return [f"<strong>{title}</strong> <code>{slug}</code>", _esc(" ".join(t.scope.split())), str(size),
            " · ".join(links)]  # fmt: skip


def sources_html(listings, sources: dict) -> str:
    """The listings the corpus was read from, with where and when each was captured (``sources.toml``)."""
    rows = []
    for lst in listings:
        info = sources.get(lst.source)
        captured = info.captured if info else "unknown"
        if info and info.captured == "unknown" and info.page_date != "unknown":
            captured += f" (page dated {info.page_date})"
        rows.append([
            f"<code>{_esc(lst.source)}</code>", _esc(info.origin if info else ""),
            _esc(info.listing if info else "not in sources.toml"), _esc(captured), str(lst.n_read),
        ])  # fmt: skip
    dates = Counter(sources[lst.source].captured if lst.source in sources else "unknown" for lst in listings)
    when = ", ".join(
        f"{d} ({n})" for d, n in sorted(dates.items(), key=lambda kv: (kv[0] == "unknown", kv[0]))
    )
    return (
        f'<h2 id="sources">Built from</h2><p>{len(rows)} listings; capture dates (listings): {_esc(when)}. '
        'Dates from <code>references/sources.toml</code>, "unknown" where the captured page does not tell.</p>'
        + table_html(["Listing", "Origin", "What", "Captured", "Records"], rows, numeric={4})
    )


def index_html(
    themes, sizes: dict[str, int], failed: dict[str, str], n_papers: int, out_dir: Path, sources: str = "",
    news=None,
) -> str:  # fmt: skip
    """The index of ``out_dir``: a row per theme (``sizes``: its paper count; ``failed``: its build
    error), the overview, and ``sources`` (:func:`sources_html`). ``news``: ``(News, {slug: new
    papers the theme includes})`` (:func:`lit_review.firstseen.what_is_new`), a column of its own."""
    from .feed import feed_link, feed_name

    rows = [_theme_row(t, sizes.get(t.slug, 0), failed, out_dir) for t in themes]
    header, numeric, note = ["Theme", "Scope", "Papers", "Lists"], {2}, ""
    if news is not None and news[0].since is not None:
        seen, new = news
        for row, t in zip(rows, themes):
            row.insert(3, str(new.get(t.slug, 0)))
        header.insert(3, _esc(seen.heading))
        numeric, note = {2, 3}, f"<p>{_esc(seen.heading)}: {_esc(seen.basis)}.</p>"
    feeds = "\n".join(
        feed_link(t.slug, f"{t.title} (Atom feed)") for t in themes if (out_dir / feed_name(t.slug)).exists()
    )
    overview = (
        f' <a href="{OVERVIEW}.html">Corpus overview</a>: sources, duplicates, years, overlaps between themes.'
        if (out_dir / f"{OVERVIEW}.html").exists()
        else ""
    )
    body = (
        "<h1>Literature review reports</h1>"
        f"<p>{n_papers} unique papers, {len(themes)} themes.{overview}</p>"
        '<h2 id="themes">Themes</h2>' + note + table_html(header, rows, numeric=numeric) + sources
    )
    return page("Literature review reports", body, head=feeds)
