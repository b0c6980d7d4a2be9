"""lit_review.report.render: a report page is self-contained and shows outputs, not code."""

import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from lit_review.report.render import page, render_html


def test_page_escapes_title_and_has_no_script():
    html = page("A <script>x</script> & B", "<p>body</p>")
    assert "<title>A &lt;script&gt;x&lt;/script&gt; &amp; B</title>" in html
    assert "<script" not in html.lower() and "http" not in html
    assert html.startswith("<!DOCTYPE html>") and html.endswith("</html>\n") and "<p>body</p>" in html


def test_render_hides_code_prompts_and_notebook_only_cells():
    nb = new_notebook(cells=[
        new_markdown_cell("Only in JupyterLab", metadata={"tags": ["notebook-only"]}),
        new_markdown_cell("## Shown heading"),
        new_code_cell("secret_code_line = 1\nprint('printed output')", execution_count=3,
                      outputs=[new_output("stream", name="stdout", text="printed output\n")]),
        new_code_cell("display_html()", execution_count=4,
                      outputs=[new_output("display_data", data={"text/html": "<p class='shown'>shown html</p>"})]),
    ])  # fmt: skip
    nbformat.validate(nb)
    html = render_html(nb, "My report")
    assert "Shown heading" in html and "printed output" in html and "shown html" in html
    assert "Only in JupyterLab" not in html
    assert "secret_code_line" not in html and "display_html()" not in html
    assert "[3]" not in html and "Out[" not in html
    assert "<title>My report</title>" in html and "<script" not in html.lower()
    assert render_html(nb, "My report") == html  # same notebook, same bytes


def test_report_page_links_the_index_and_lists_its_sections():
    nb = new_notebook(cells=[
        new_markdown_cell("# Title"),
        new_markdown_cell("## First part"),
        new_markdown_cell("## Second, <b>with</b> markup"),
        new_code_cell("x", execution_count=1, outputs=[
            new_output("display_data", data={"text/html": '<h2 id="provenance">Provenance</h2>'})]),
    ])  # fmt: skip
    html = render_html(nb, "R")
    assert '<nav class="top"><a href="index.html">' in html
    nav = html[html.index('<nav class="contents">') :]
    hrefs = re.findall(r'<li><a href="#([^"]+)">', nav[: nav.index("</nav>")])
    assert hrefs and hrefs[-1] == "provenance" and len(hrefs) == 3
    for h in hrefs:
        assert html.count(f'id="{h}"') == 1  # every entry leads to its section
    assert html.index('<nav class="contents">') < html.index('id="First-part"')


def test_table_cells_are_aligned_inline_for_jupyterlab():
    from lit_review.report.render import table_html

    t = table_html(["Name", "N"], [["a", "1"]], numeric={1})
    assert '<th style="text-align:left;vertical-align:top">Name</th>' in t
    assert '<td style="text-align:right;vertical-align:top">1</td>' in t
    assert '<td style="text-align:left;vertical-align:top">a</td>' in t
