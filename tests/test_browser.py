"""Reports in a real browser: Debian's chromium driven by Playwright (no browser download)."""

import shutil

import pytest
from playwright.sync_api import sync_playwright

from lit_review.report import build
from lit_review.text import clean_text

pytestmark = pytest.mark.slow  # Chromium, and real builds

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]  # fmt: skip
HOSTILE = [
    "<script>window.__pwned = 1</script>",
    '<img src=x onerror="window.__pwned = 2">',
    '"><svg onload="window.__pwned = 3">',
    "**bold** [link](javascript:window.__pwned=4) $x^2$ \\textbf{y} {{braces}}",
]


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield b
        b.close()


def assert_not_blank(png):
    import matplotlib.image

    pixels = matplotlib.image.imread(str(png))
    assert pixels.shape[0] > 100 and pixels.shape[1] > 100
    assert pixels[..., :3].std() > 0.05  # ink on the page, not a blank or single-colour screenshot


def _visit(browser, path, shot):
    page = browser.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:")) else None)
    page.goto(path.as_uri())
    page.screenshot(path=str(shot), full_page=False)
    return page, errors, requests


UNBUILT = ("quantization-compression", "distributed-training", "rl-llm-reasoning", "diffusion-guidance")


def test_reports_render_offline_without_errors(browser, project, tmp_path):
    outcome = build(project, themes=["gradient-free", "efficient-fine-tuning"], jobs=2)
    assert outcome.exit_code == 0, outcome.messages
    reports = project / "reports"
    page, errors, requests = _visit(browser, reports / "index.html", tmp_path / "index.png")
    links = page.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert {"gradient-free.html", "efficient-fine-tuning.html", "overview.html", "gradient-free.bib",
            "gradient-free-all.html"} <= set(links)  # fmt: skip
    assert all((reports / href).is_file() for href in links)  # every link resolves
    for href in [h for h in links if h.endswith(".html")]:
        p, errs, reqs = _visit(browser, reports / href, tmp_path / f"{href}.png")
        errors += errs
        requests += reqs
        sizes = p.eval_on_selector_all(
            "img", "els => els.map(e => [e.complete, e.naturalWidth, e.naturalHeight])"
        )
        if not href.endswith("-all.html"):  # a full ranked list is a table, without figures
            assert sizes and all(ok and w > 0 and h > 0 for ok, w, h in sizes)
        assert_not_blank(tmp_path / f"{href}.png")
        targets = p.eval_on_selector_all(
            "a[href]", "els => els.map(e => [e.getAttribute('href'), e.getAttribute('href').startsWith('#') ? "
            "!!document.getElementById(e.getAttribute('href').slice(1)) : null])"
        )  # fmt: skip
        for link, found in targets:  # contents and citation keys lead to their section; files exist
            if link.startswith("#"):
                assert found, (href, link)
            elif not link.startswith("https://") and not (
                href == "overview.html" and link.startswith(UNBUILT)
            ):
                assert (reports / link).is_file(), (href, link)  # the overview lists every theme
        aligns = p.eval_on_selector_all("td", "els => els.map(e => getComputedStyle(e).textAlign)")
        assert set(aligns) <= {"left", "right"}, href
    assert errors == [] and requests == []


def test_injection_is_shown_as_text(browser, project, tmp_path):
    src = project / "references" / "sources" / "hf-papers-000-search-compact.txt"
    lines = src.read_text(encoding="utf-8").split("\n")
    # paper 1 (title line 3, abstract line 4): hostile title and abstract, still matching gradient-free
    lines[2] = "Subscribe" + "Gradient-Free " + HOSTILE[0] + HOSTILE[1]
    lines[3] = "We propose a gradient-free method. " + " ".join(HOSTILE) + " More text follows here."
    src.write_text("\n".join(lines), encoding="utf-8")
    outcome = build(project, themes=["gradient-free"], jobs=1)
    assert outcome.exit_code == 0, outcome.messages
    page, errors, _ = _visit(browser, project / "reports" / "gradient-free.html", tmp_path / "inj.png")
    assert_not_blank(tmp_path / "inj.png")
    assert page.evaluate("window.__pwned === undefined")
    assert errors == []
    body = page.inner_text("body")
    for h in HOSTILE:
        assert clean_text(h) in body  # shown as text, in its display form (known LaTeX resolved)
    assert "[link](javascript:window.__pwned=4) x^2 y braces" in body  # case-protection braces dropped
    assert page.eval_on_selector_all("script", "els => els.length") == 0
    assert page.eval_on_selector_all("svg", "els => els.length") == 0
