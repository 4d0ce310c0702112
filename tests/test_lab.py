"""JupyterLab itself, as `make lab` starts it: every notebook opens, runs all its cells without
an error or a warning, and the explorer answers a change of selection. Screenshots are kept in
`reports/screenshots/lab-*.png` for a person to look at.

The notebooks run from a copy (with the sample corpus beside it), so JupyterLab's autosave
never touches the committed outputs.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS
from tests.test_report import CHROMIUM, NOTEBOOK_NAMES, REPORTS

TOKEN = "news-helpers-test"
RUN_TIMEOUT_MS = 600_000  # the sentiment notebook encodes every sentence with MiniLM


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on a copy of the notebooks; yields its base URL."""
    if not CHROMIUM:
        pytest.skip("chromium is not installed (make test installs Debian's chromium where it can)")
    pytest.importorskip("playwright.sync_api")
    folder = tmp_path_factory.mktemp("lab")
    (folder / "notebooks").mkdir()
    for notebook in (ROOT / "notebooks").glob("[0-9]*.ipynb"):
        shutil.copy(notebook, folder / "notebooks")
    shutil.copytree(SEEDS, folder / "seeds")
    port = free_port()
    command = [str(Path(sys.executable).parent / "jupyter"), "lab", "--no-browser", f"--port={port}",
               f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={folder}"]
    if os.geteuid() == 0:
        command.append("--allow-root")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    log = (folder / "server.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("JupyterLab did not start: " + (folder / "server.log").read_text()[-2000:])
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield instance
        instance.close()


@pytest.fixture
def page(lab, browser):
    """A fresh page with a fresh workspace; the notebook's kernel is shut down afterwards, so
    six kernels never hold six copies of the models at once."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page
    page.close()
    for kernel in json.load(urllib.request.urlopen(f"{lab}/api/kernels?token={TOKEN}")):
        request = urllib.request.Request(f"{lab}/api/kernels/{kernel['id']}?token={TOKEN}", method="DELETE")
        urllib.request.urlopen(request)


NOTEBOOK = ".jp-NotebookPanel:not(.lm-mod-hidden)"


def run_all(page, base: str, name: str) -> None:
    page.goto(f"{base}/lab/tree/notebooks/{name}.ipynb?reset&token={TOKEN}")
    page.wait_for_selector(f"{NOTEBOOK} .jp-CodeCell", timeout=60_000)
    page.wait_for_selector("#jp-main-statusbar >> text=Idle", timeout=120_000)
    page.click("#jp-MainMenu >> text=Run")
    page.click(".lm-Menu-itemLabel >> text=Run All Cells")
    # every code cell numbered: run, and none still waiting ([*]) or skipped after an error
    page.wait_for_function(
        f"""() => [...document.querySelectorAll('{NOTEBOOK} .jp-CodeCell .jp-InputPrompt')]
                 .every(prompt => /\\[\\d+\\]/.test(prompt.textContent))""", timeout=RUN_TIMEOUT_MS)


@pytest.mark.parametrize("name", NOTEBOOK_NAMES)
def test_every_notebook_runs_in_jupyterlab_without_errors(lab, page, name):
    run_all(page, lab, name)
    problems = page.evaluate("""[...document.querySelectorAll(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')].map(e => e.textContent.slice(0, 300))""")
    shots = REPORTS / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / f"lab-{name}.png"))
    assert problems == [], (name, problems)
    if name.startswith("00-"):
        explorer_answers_a_new_selection(page)


def explorer_answers_a_new_selection(page) -> None:
    kind, value = page.query_selector_all(".widget-dropdown select")
    output = page.locator(".widget-html-content").last
    before = output.inner_html()
    options = value.eval_on_selector_all("option", "options => options.map(o => o.value)")
    assert len(options) > 1
    value.select_option(options[1])
    page.wait_for_function("previous => document.querySelectorAll('.widget-html-content')[document.querySelectorAll('.widget-html-content').length - 1].innerHTML !== previous",
                           arg=before, timeout=30_000)
    assert options[1] in output.inner_html()
    kind.select_option("treaty")
    page.wait_for_function("() => [...document.querySelectorAll('.widget-html-content')].pop().textContent.includes('treaty:')",
                           timeout=30_000)
    page.screenshot(path=str(REPORTS / "screenshots" / "lab-explorer.png"))
