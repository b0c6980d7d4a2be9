"""The docs stay true: the command reference is what the parser prints, every command is in the README."""

import re

from lit_review.cli import help_markdown, parser

from .conftest import ROOT


def test_cli_reference_is_current():
    assert (ROOT / "docs" / "cli.md").read_text(encoding="utf-8") == help_markdown(), (
        "docs/cli.md is stale: regenerate it (command in its first lines)"
    )


def test_every_command_is_in_the_readme_and_has_help():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    top = parser()
    listed = top.format_help()
    for name in top.commands:
        assert f"lit-review {name}" in readme, name
        assert re.search(rf"^    {re.escape(name)}\s+\S", listed, re.M), f"{name} has no help line"


def test_public_api_is_documented():
    import lit_review

    api = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    for name in lit_review.__all__:
        assert f"lr.{name}" in api, name
