"""Write the report notebooks (no outputs, fixed cell ids). Edit here or in JupyterLab, then re-run.

python tools/make_notebooks.py
"""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook


def nb(cells):
    n = new_notebook(cells=cells)
    for i, c in enumerate(n.cells):
        c.id = f"cell-{i:02d}"
    n.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    return n


theme = nb(
    [
        new_markdown_cell(
            "# Themed review report\n\nThis notebook builds the review report of one theme. Run it as is in "
            "JupyterLab, or in batch with papermill:\n\n"
            "`papermill notebooks/theme_review.ipynb out.ipynb -p theme efficient-fine-tuning`\n\n"
            "All logic lives in `lit_review.review` and `lit_review.plots`; this notebook narrates and shows.",
            metadata={"tags": ["notebook-only"]},
        ),
        new_code_cell(
            'theme = "gradient-free"  # slug of a theme in references/themes.toml\n'
            "project = None  # review project folder; None: found from the current folder upward\n"
            "min_score = None  # None: the theme's own minimum score\n"
            "top_n = 50  # papers shown in the table and as sections (the rest are in the .bib)\n"
            "output_dir = None  # set by `lit-review build`: where it writes the HTML and BibTeX\n"
            "snapshot = None  # set by `lit-review build`: its ingested corpus, so the listings are not read again",
            metadata={"tags": ["parameters"]},
        ),
        new_code_cell(
            "from IPython.display import HTML, display\n\n"
            "from lit_review.report import plots\nfrom lit_review.report import theme_review as review\n\n"
            "r = review.theme_review(project, theme, min_score, snapshot, top_n=top_n)\n"
            "display(HTML(review.header_html(r)))"
        ),
        new_markdown_cell(
            "## Selection of papers\n\nRecords were read from the listings below, duplicates merged, and every "
            "unique paper screened against the theme's terms; manual decisions in the theme file override the "
            "automatic match."
        ),
        new_code_cell(
            "counts = review.prisma_counts(r)\n"
            "display(HTML(plots.figure_html(plots.prisma_figure(counts), 'PRISMA flow diagram of the selection')"
            " + review.prisma_text(counts)))"
        ),
        new_markdown_cell(
            "## Included papers, ranked by relevance\n\nThe score adds the weights of the theme's terms found "
            "in a paper, doubled for a term in the title."
        ),
        new_code_cell("display(HTML(review.ranked_table(r, top_n)))"),
        new_markdown_cell("## The theme at a glance"),
        new_code_cell(
            "display(HTML(\n"
            "    plots.figure_html(plots.bar_chart(review.year_counts(r), 'Included papers per year', 'year'),\n"
            "                      'Bar chart of included papers per publication year')\n"
            "    + plots.figure_html(plots.bar_chart(review.term_counts(r), 'Most frequent matched terms', horizontal=True),\n"
            "                        'Bar chart of the terms matched most often')\n"
            "    + plots.figure_html(plots.bar_chart(review.overlap_counts(r), 'Overlap with the other themes', horizontal=True),\n"
            "                        'Bar chart of included papers also in other themes')\n"
            "))"
        ),
        new_markdown_cell("## Papers"),
        new_code_cell("display(HTML(review.paper_sections(r, top_n)))"),
        new_code_cell("display(HTML(review.provenance_html(r)))"),
    ]
)
nbformat.write(theme, "notebooks/theme_review.ipynb")

overview = nb(
    [
        new_markdown_cell(
            "# Corpus overview\n\nThe whole corpus at a glance: sources, duplicates, years, themes and their "
            "overlaps, and papers in no theme."
        ),
        new_markdown_cell(
            "Logic lives in `lit_review.overview`; this notebook narrates and shows. `lit-review build` runs it "
            "with papermill and renders it to `reports/overview.html`.",
            metadata={"tags": ["notebook-only"]},
        ),
        new_code_cell(
            "project = None  # review project folder; None: found from the current folder upward\n"
            "top_n = 30  # rows shown in bounded tables\n"
            "snapshot = None  # set by `lit-review build`: its ingested corpus, so the listings are not read again",
            metadata={"tags": ["parameters"]},
        ),
        new_code_cell(
            "from IPython.display import HTML, display\n\n"
            "from lit_review.report import overview, plots\n\n"
            "o = overview.corpus_overview(project, snapshot)\n"
            "display(HTML(overview.summary_html(o)))"
        ),
        new_markdown_cell("## Sources and duplicates"),
        new_code_cell("display(HTML(overview.sources_table(o)))"),
        new_markdown_cell("## Years"),
        new_code_cell(
            "display(HTML(plots.figure_html(plots.bar_chart(overview.year_counts(o), 'Papers per year', 'year'),\n"
            "                               'Bar chart of papers per publication year')))"
        ),
        new_markdown_cell("## Themes"),
        new_code_cell(
            "display(HTML(overview.themes_table(o)\n"
            "             + plots.figure_html(plots.bar_chart(overview.theme_sizes(o), 'Papers per theme', horizontal=True),\n"
            "                                 'Bar chart of papers per theme')\n"
            "             + overview.overlap_table(o)))"
        ),
        new_markdown_cell("## Papers in no theme"),
        new_code_cell("display(HTML(overview.unthemed_table(o, top_n)))"),
    ]
)
nbformat.write(overview, "notebooks/corpus_overview.ipynb")
