"""Executed notebook -> self-contained HTML page (nbconvert), and the page every report shares."""

from __future__ import annotations

import html

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:62rem;margin:2rem auto;
padding:0 1rem;line-height:1.5;color:#222}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}th,td{border:1px solid #ccc;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#eef2f8}figure{margin:1rem 0}img{max-width:100%;height:auto}
code{font-size:.85em}.paper{border-top:1px solid #ddd;padding-top:.5rem}.meta,.why,.provenance{color:#555;
font-size:.9rem}.prisma-text{font-size:.9rem}footer{border-top:2px solid #ccc;margin-top:2rem;font-size:.85rem}
"""
HIDDEN_TAG = "notebook-only"  # cells tagged so are for the reader of the notebook, not of the report


def page(title: str, body: str) -> str:
    """A self-contained HTML page: inline CSS, no script, nothing fetched from the network."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def render_html(nb, title: str) -> str:
    """Render an executed notebook as a page: inputs and prompts hidden, outputs as they are."""
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
    return page(title, body)
