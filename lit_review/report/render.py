"""Executed notebook -> self-contained HTML page (nbconvert), and the parts every report shares."""

from __future__ import annotations

import html
import re

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:62rem;margin:2rem auto;
padding:0 1rem;line-height:1.5;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#eef2f8}figure{margin:1rem 0}img{max-width:100%;height:auto}
code{font-size:.85em}.paper{border-top:1px solid #ddd;padding-top:.5rem}.meta,.why,.provenance{color:#555;
font-size:.9rem}.prisma-text{font-size:.9rem}footer{border-top:2px solid #ccc;margin-top:2rem;font-size:.85rem}
nav.top{font-size:.9rem}nav.contents{background:#f6f8fb;border:1px solid #dde3ec;padding:.25rem 1rem;
margin:1rem 0}nav.contents h2{font-size:1rem;margin:.5rem 0}
"""
HIDDEN_TAG = "notebook-only"  # cells tagged so are for the reader of the notebook, not of the report
INDEX_LINK = '<nav class="top"><a href="index.html">← All reports</a></nav>'
# Inline styles, not classes: JupyterLab right-aligns table cells with its own CSS, which a
# page's stylesheet cannot reach in the notebook; a style attribute wins in both places.
_LEFT = ' style="text-align:left;vertical-align:top"'
_RIGHT = ' style="text-align:right;vertical-align:top"'
_SECTION = re.compile(r'<h2 id="([^"]+)"[^>]*>(.*?)</h2>', re.S)


def table_html(header: list[str], rows: list[list[str]], numeric=(), cls: str = "") -> str:
    """An HTML table of already-escaped cells: text left-aligned, the ``numeric`` columns right-aligned."""
    align = [_RIGHT if i in numeric else _LEFT for i in range(len(header))]
    head = "".join(f"<th{a}>{h}</th>" for a, h in zip(align, header))
    body = "".join("<tr>" + "".join(f"<td{a}>{c}</td>" for a, c in zip(align, r)) + "</tr>" for r in rows)
    klass = f' class="{cls}"' if cls else ""
    return f"<table{klass}><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def page(title: str, body: str, nav: str = "", head: str = "") -> str:
    """A self-contained HTML page: inline CSS, no script, nothing fetched from the network.

    ``head``: more of the head (the ``<link rel="alternate">`` of a feed)."""
    head = f"{head}\n" if head else ""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n{head}<style>{CSS}</style>\n</head>\n<body>\n{nav}{body}\n</body>\n</html>\n"
    )


def contents(body: str) -> str:
    """A table of contents linking every ``<h2 id=...>`` section of ``body`` ("" if none)."""
    items = [
        f'<li><a href="#{sid}">{html.escape(html.unescape(re.sub(r"<[^>]+>", "", text)))}</a></li>'
        for sid, text in _SECTION.findall(body)
    ]
    return f'<nav class="contents"><h2>Contents</h2><ol>{"".join(items)}</ol></nav>' if items else ""


def with_contents(body: str) -> str:
    """``body`` with its table of contents put before its first section."""
    first = _SECTION.search(body)
    return body if first is None else body[: first.start()] + contents(body) + body[first.start() :]


def render_html(nb, title: str, head: str = "") -> str:
    """Render an executed notebook as a page: inputs and prompts hidden, outputs as they are,
    a link back to the index and a table of contents of its sections (``head``: as :func:`page`)."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        anchor_link_text="",
    )
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={HIDDEN_TAG}), enabled=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return page(title, with_contents(body), nav=INDEX_LINK, head=head)
