"""`make report`: run every notebook on a corpus (papermill), render HTML, write an index page.

A notebook that fails is rendered up to the failing cell and named, with the cell, on the
index page and on stderr; the others still run, and the command then exits non-zero.
Rendered pages hide code, keep figures and tables, and carry no path of this machine.
"""

from __future__ import annotations

import html
import os
import re
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from helpers.explorer import WIDGET_MIMETYPE

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
TEMPLATES = Path(__file__).resolve().parent / "templates"
SUMMARY_TAG = "summary"
# The kernel talks to papermill over local sockets rather than TCP: nothing to eavesdrop on,
# and no "running over TCP without encryption" warning in the output of every run.
KERNEL_CONFIG = {"KernelManager": {"transport": "ipc"}}


@dataclass
class RenderedNotebook:
    name: str
    title: str
    question: str
    findings: list[str] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0


def build_report(corpus: str | Path, out: str | Path, notebooks: Path = NOTEBOOKS,
                 parameters: dict | None = None, fields: dict[str, str] | None = None) -> bool:
    """Execute and render every notebook; True when all of them ran. `fields` names an
    export's fields by role (see `helpers.read_articles`); every notebook gets it as FIELDS."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    corpus_for_kernel = os.path.relpath(Path(corpus).resolve(), notebooks)
    given = {"CORPUS": corpus_for_kernel, **({"FIELDS": fields} if fields else {}), **(parameters or {})}
    rendered = []
    for path in sorted(notebooks.glob("[0-9]*.ipynb")):
        result = _run_one(path, out, given)
        status = f"failed: {result.error}" if result.error else "ok"
        print(f"{path.stem}: {status} ({result.seconds:.1f} s)", file=sys.stderr)
        rendered.append(result)
    (out / "index.html").write_text(index_page(corpus, rendered, fields), encoding="utf-8")
    print(f"wrote {out / 'index.html'}", file=sys.stderr)
    return not any(r.error for r in rendered)


def _run_one(path: Path, out: Path, parameters: dict) -> RenderedNotebook:
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError
    from traitlets.config import Config

    started = time.perf_counter()
    error = None
    with tempfile.TemporaryDirectory() as scratch:
        executed = Path(scratch) / path.name
        try:
            papermill.execute_notebook(str(path), str(executed), parameters=parameters,
                                       cwd=str(path.parent), kernel_name="python3",
                                       progress_bar=False, log_output=False, config=Config(KERNEL_CONFIG))
        except PapermillExecutionError as failure:
            first_line = failure.source.strip().splitlines()[0] if failure.source.strip() else ""
            error = f"cell [{failure.exec_count}] `{first_line[:60]}`: {failure.ename}: {failure.evalue}"
        except Exception as failure:  # the kernel died or the notebook could not start
            error = f"{failure.__class__.__name__}: {failure}"
        notebook = nbformat.read(executed, as_version=4) if executed.exists() else nbformat.read(path, as_version=4)
    title, question = _title_and_question(notebook)
    page = _scrub_paths(_render(notebook, title))
    (out / f"{path.stem}.html").write_text(page, encoding="utf-8")
    return RenderedNotebook(path.stem, title, question, _findings(notebook), error,
                            time.perf_counter() - started)


def _render(notebook, title: str) -> str:
    from nbconvert import HTMLExporter

    _drop_widgets(notebook)
    exporter = HTMLExporter(extra_template_basedirs=[str(TEMPLATES)], template_name="report",
                            exclude_input=True, exclude_input_prompt=True,
                            exclude_output_prompt=True)
    notebook.metadata["title"] = title
    body, _ = exporter.from_notebook_node(notebook)
    return body


def _drop_widgets(notebook) -> None:
    """Live widgets need a kernel: keep their static fallback (text/html) instead."""
    notebook.metadata.pop("widgets", None)
    for cell in notebook.cells:
        kept = []
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIMETYPE in data:
                data.pop(WIDGET_MIMETYPE)
                if set(data) <= {"text/plain"}:  # a progress bar: its printed summary stays
                    continue
            kept.append(output)
        cell["outputs"] = kept


def _title_and_question(notebook) -> tuple[str, str]:
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            lines = [line.strip() for line in cell.source.splitlines() if line.strip()]
            title = lines[0].lstrip("# ") if lines else ""
            intro = " ".join(line for line in lines[1:] if not line.startswith("#"))
            question = re.split(r"(?<=[.?!])\s+", intro.replace("*", "").replace("`", ""))[0]
            return title, question
    return "", ""


def _findings(notebook) -> list[str]:
    """The sentences of the cell tagged `summary`: the notebook's computed findings, shown
    there as a Markdown list (`display.Findings`), read back here as plain text."""
    for cell in notebook.cells:
        if SUMMARY_TAG in cell.get("metadata", {}).get("tags", []):
            markdown = "".join(output.get("data", {}).get("text/markdown", "") for output in cell.get("outputs", []))
            return [html.unescape(re.sub(r"\\(.)", r"\1", line[2:])).strip()
                    for line in markdown.splitlines() if line.startswith("- ")]
    return []


def _scrub_paths(page: str) -> str:
    """Belt and braces: no absolute path of this machine leaves in a shared page."""
    for private in {str(ROOT), str(ROOT.parent), str(Path.home()), tempfile.gettempdir()}:
        page = page.replace(private + os.sep, "").replace(private, ".")
    return page


def index_page(corpus: str | Path, notebooks: list[RenderedNotebook], fields: dict[str, str] | None = None) -> str:
    from helpers.loading import read_articles

    try:
        articles, _ = read_articles(corpus, fields)
        size = (f"{len(articles):,} article{'s' if len(articles) != 1 else ''}, "
                f"{int(articles['n_words'].sum()):,} words")
    except Exception as error:  # the index page must still be written
        size = f"could not be read: {error}"
    name = Path(corpus).resolve().name
    cards = "\n".join(_card(nb) for nb in notebooks)
    failed = [nb for nb in notebooks if nb.error]
    banner = (f'<p class="failed">{len(failed)} notebook(s) failed: '
              + ", ".join(html.escape(f"{nb.name} ({nb.error})") for nb in failed) + "</p>"
              if failed else "")
    return _PAGE.format(name=html.escape(name), size=html.escape(size), cards=cards, banner=banner)


def _card(notebook: RenderedNotebook) -> str:
    findings = "".join(f"<li>{html.escape(line)}</li>" for line in notebook.findings[:5])
    status = (f'<p class="failed">Failed at {html.escape(notebook.error)}</p>'
              if notebook.error else "")
    return (f'<article class="card"><h2><a href="{html.escape(notebook.name)}.html">'
            f"{html.escape(notebook.title or notebook.name)}</a></h2>"
            f"<p>{html.escape(notebook.question)}</p>{status}"
            + (f"<ul>{findings}</ul>" if findings else "") + "</article>")


_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'none'">
<title>News analysis: {name}</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0; background: #f6f7f9; color: #1f2933; }}
header {{ background: #1f3a5f; color: white; padding: 1.5rem 1rem; overflow-wrap: anywhere; }}
header h1 {{ margin: 0 0 .3rem; font-size: 1.5rem; }}
main {{ max-width: 60rem; margin: 0 auto; padding: 1rem; display: grid; gap: 1rem;
        grid-template-columns: repeat(auto-fill, minmax(min(17rem, 100%), 1fr)); }}
.card {{ background: white; border-radius: .5rem; padding: 1rem; box-shadow: 0 1px 3px rgba(0,0,0,.12);
         overflow-wrap: anywhere; min-width: 0; }}
.card h2 {{ font-size: 1.1rem; margin-top: 0; }}
.card a {{ color: #1f3a5f; }}
.failed {{ color: #b42318; font-weight: bold; }}
ul {{ padding-left: 1.2rem; }}
</style></head>
<body><header><h1>News analysis: {name}</h1><p>{size}</p></header>
{banner}
<main>
{cards}
</main></body></html>
"""

