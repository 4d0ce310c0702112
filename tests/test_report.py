"""Rendered reports as a reader meets them: the index page, safe HTML, and a real browser.

The reports are written where `make report` writes them (`reports/`, and the hostile
fixture corpus under `reports/hostile-corpus/`), with screenshots in `reports/screenshots/`
for a person to look at.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from helpers.report import build_report
from tests.conftest import FIXTURES, ROOT, SEEDS

REPORTS = ROOT / "reports"
HOSTILE = FIXTURES / "malicious"
NOTEBOOK_NAMES = sorted(p.stem for p in (ROOT / "notebooks").glob("[0-9]*.ipynb"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def seed_report():
    assert build_report(SEEDS, REPORTS), "a notebook failed on the sample corpus"
    return REPORTS


@pytest.fixture(scope="module")
def hostile_report():
    out = REPORTS / "hostile-corpus"
    assert build_report(HOSTILE, out), "a notebook failed on the hostile corpus"
    return out


@pytest.fixture(scope="module")
def exports_report():
    """Every shape of real news export (tests/fixtures/exports), the way a newsroom has them."""
    out = REPORTS / "exports-corpus"
    assert build_report(FIXTURES / "exports", out), "a notebook failed on the exports corpus"
    return out


def pages(folder: Path) -> list[Path]:
    return [folder / "index.html"] + [folder / f"{name}.html" for name in NOTEBOOK_NAMES]


def test_index_links_every_notebook_with_its_findings(seed_report):
    index = (seed_report / "index.html").read_text()
    assert "seeds" in index and "1 article, 441 words" in index
    for name in NOTEBOOK_NAMES:
        assert f'href="{name}.html"' in index
        assert (seed_report / f"{name}.html").exists()
    assert "No input was skipped, repaired or flagged." in index  # a computed finding of 00-corpus


def test_pages_hide_code_and_hold_no_path_of_this_machine(seed_report):
    for page in pages(seed_report):
        html = page.read_text()
        for private in (str(ROOT), "/tmp/", "/root/", "/home/"):
            assert private not in html, (page.name, private)
    corpus_page = (seed_report / "00-corpus.html").read_text()
    assert "overview.article_overview" not in corpus_page  # code cells are hidden
    assert "data:image/png;base64" in corpus_page  # figures are embedded


def test_hostile_text_is_shown_as_text_and_never_as_markup(hostile_report):
    for page in pages(hostile_report):
        html = page.read_text()
        assert not re.search(r"<script\b", html, re.I), page.name
        assert not re.search(r"<(img|svg|b|iframe)\b[^>]*\bon\w+\s*=", html, re.I), page.name
        assert not re.search(r"""<a\b[^>]*href\s*=\s*["']?\s*javascript:""", html, re.I), page.name
        assert not re.search(r"<iframe\b", html, re.I), page.name
    assert "&lt;script&gt;" in (hostile_report / "00-corpus.html").read_text()


def test_a_failing_notebook_is_named_and_the_others_still_render(tmp_path):
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for name, source in [("00-fine", 'print("all good")'), ("01-broken", 'raise ValueError("boom")'),
                         ("02-after", 'print("still rendered")')]:
        notebook = nbformat.v4.new_notebook(cells=[
            nbformat.v4.new_markdown_cell(f"# {name}\n\nA test notebook."),
            nbformat.v4.new_code_cell('CORPUS = "../seeds"', metadata={"tags": ["parameters"]}),
            nbformat.v4.new_code_cell(source)])
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nbformat.write(notebook, notebooks / f"{name}.ipynb")
    assert build_report(SEEDS, tmp_path / "out", notebooks=notebooks) is False
    index = (tmp_path / "out" / "index.html").read_text()
    assert "01-broken" in index and "cell [3] `raise ValueError(&quot;boom&quot;)`: ValueError: boom" in index
    assert "still rendered" in (tmp_path / "out" / "02-after.html").read_text()


def test_cli_report_fails_cleanly_on_a_missing_corpus(tmp_path):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "helpers", "report", "--corpus", "nowhere",
                             "--out", str(tmp_path)], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode != 0 and result.stderr.strip() == "error: no such file or folder: nowhere"


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM:
        pytest.skip("chromium is not installed (make test installs Debian's chromium where it can)")
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync"])
        yield instance
        instance.close()


def test_exports_report_names_what_was_repaired_and_shares_one_answer(exports_report):
    index = (exports_report / "index.html").read_text()
    assert "12 articles" in index and "2 skipped, 5 repaired, 2 flagged" in index
    corpus_page = (exports_report / "00-corpus.html").read_text()
    for shown in ("newsapi.json", "teaser-only", "truncated", "boilerplate", "Harbour Gazette"):
        assert shown in corpus_page, shown
    quoted = re.findall(r"Most quoted: ([^(<]+) \(", index)
    assert quoted and re.search(rf"most quoted named speaker, {re.escape(quoted[0].strip())},", index)


# What a reader must never see in a rendered page.
RAW_REPRS = ("Analysis(", "{'", "dtype:", "<NA>", "NaT", "NaN", "[+1259 chars]", "\\n")
LAYOUT_CHECKS = """() => {
  const width = window.innerWidth, found = [];
  for (const table of document.querySelectorAll('table')) {
    if (table.getBoundingClientRect().width <= width + 1) continue;
    let box = table.parentElement, scrolls = false;
    for (; box && box !== document.body; box = box.parentElement) {
      const overflow = getComputedStyle(box).overflowX;
      if ((overflow === 'auto' || overflow === 'scroll') && box.getBoundingClientRect().width <= width + 1) { scrolls = true; break; }
    }
    if (!scrolls) found.push('a table wider than the screen with nothing to scroll it in');
  }
  if (document.documentElement.scrollWidth > width + 1) found.push('the page scrolls sideways');
  for (const cell of document.querySelectorAll('td, th'))
    if (/^(NaN|<NA>|NaT|None|nan)$/.test(cell.innerText.trim())) found.push('a cell shows ' + cell.innerText.trim());
  return found;
}"""


@pytest.mark.parametrize("which", ["seed_report", "hostile_report", "exports_report"])
def test_every_page_loads_in_a_browser_without_errors_or_injected_scripts(browser, which, request):
    folder = request.getfixturevalue(which)
    shots = REPORTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    for path in pages(folder):
        for width in (1200, 390):  # a desktop and a phone
            page = browser.new_page(viewport={"width": width, "height": 900})
            errors, dialogs = [], []
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.on("console", lambda message: message.type == "error" and errors.append(message.text))
            page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
            page.goto(path.as_uri(), wait_until="load")
            assert not errors, (path.name, errors)
            assert not dialogs and page.evaluate("typeof window.__pwned") == "undefined", path.name
            broken = page.evaluate("[...document.images].filter(i => !(i.complete && i.naturalWidth > 0)).length")
            assert broken == 0, (path.name, broken)
            assert page.evaluate(LAYOUT_CHECKS) == [], (path.name, width)
            text = page.inner_text("body")
            assert not [raw for raw in RAW_REPRS if raw in text], (path.name, width)
            label = "phone" if width == 390 else "desktop"
            page.screenshot(path=str(shots / f"{folder.name}-{path.stem}-{label}.png"), full_page=True)
            page.close()
