"""The index page: every theme with its paper count, linking only the reports that exist."""

from __future__ import annotations

import html
from pathlib import Path

from .render import page

OVERVIEW = "overview"  # the corpus overview report's name (``overview.html``)


def index_html(themes, sizes: dict[str, int], failed: dict[str, str], n_papers: int, out_dir: Path) -> str:
    """The index of ``out_dir``: a row per theme (``sizes``: its paper count; ``failed``: its build error)."""
    rows = []
    for t in themes:
        slug = html.escape(t.slug)
        built = (out_dir / f"{t.slug}.html").exists()
        title = f'<a href="{slug}.html">{html.escape(t.title)}</a>' if built else html.escape(t.title)
        bib = f'<a href="{slug}.bib">{slug}.bib</a>' if (out_dir / f"{t.slug}.bib").exists() else ""
        status = "build failed: see the build log" if t.slug in failed else ("" if built else "not built")
        rows.append(
            f"<tr><td>{title}</td><td><code>{slug}</code></td><td>{sizes.get(t.slug, 0)}</td>"
            f"<td>{bib}</td><td>{status}</td></tr>"
        )
    overview = (
        f'<a href="{OVERVIEW}.html">Corpus overview</a>.' if (out_dir / f"{OVERVIEW}.html").exists() else ""
    )
    body = (
        "<h1>Literature review reports</h1>"
        f"<p>{n_papers} unique papers. {overview}</p>"
        "<table><thead><tr><th>Theme</th><th>Slug</th><th>Papers</th><th>BibTeX</th><th>Status</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
    return page("Literature review reports", body)
