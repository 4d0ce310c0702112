"""Command line: `python -m helpers analyze ...` and `python -m helpers report ...`.

A mistake in the user's input ends with one line on stderr and a non-zero status, never a
traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

from helpers.articles import InputError
from helpers.exports import ROLES
from helpers.pipeline import ModelError
from helpers.sentiment import DEFAULT_TARGET_METHOD, FAST_TARGET_METHOD, TARGET_MODELS


ROLE_HELP = {"text": "text", "title": "headline", "date": "publication date",
             "outlet": "outlet", "url": "address", "id": "identifier"}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers",
                                     description="Analyse English news articles.")
    commands = parser.add_subparsers(dest="command", required=True)

    analyze = commands.add_parser("analyze", help="write every table as Parquet")
    analyze.add_argument("inputs", nargs="+", metavar="INPUT",
                         help="a file, a folder (read recursively) or a glob")
    analyze.add_argument("--out", required=True,
                         help="folder for the Parquet files (a local path or an fsspec URL)")
    analyze.add_argument("--workers", type=int, default=1, help="local parsing processes")
    analyze.add_argument("--dask", metavar="ADDRESS",
                         help="run on a Dask cluster ('local' starts one on this machine)")
    analyze.add_argument("--no-cache", action="store_true", help="neither read nor write the cache")
    analyze.add_argument("--model", help="an installed spaCy pipeline (default: HELPERS_MODEL or the pinned one)")
    analyze.add_argument("--chunk-chars", type=int, default=None,
                         help="characters of text per unit of work (default: 250,000)")
    analyze.add_argument("--target-sentiment", choices=TARGET_MODELS, default=DEFAULT_TARGET_METHOD,
                         help=f"the model of sentiment towards entities (default: {DEFAULT_TARGET_METHOD}; "
                              f"{FAST_TARGET_METHOD} is faster and less accurate)")

    report = commands.add_parser("report", help="run every notebook and render HTML")
    report.add_argument("--corpus", default="seeds", help="articles to analyse (default: seeds)")
    report.add_argument("--out", default=Path("reports"), type=Path, help="folder for the HTML")
    for command in (analyze, report):
        fields = command.add_argument_group(
            "field names", "for JSON and CSV exports whose fields the usual names miss; a dotted "
            "path reaches into nested objects (content.rendered); records without the field fall "
            "back to the usual names")
        for role in ROLES:
            fields.add_argument(f"--{role}-field", metavar="NAME", dest=f"{role}_field",
                                help=f"the field holding each article's {ROLE_HELP[role]}")

    args = parser.parse_args(argv)
    try:
        if args.command == "analyze":
            return _analyze(args)
        return _report(args)
    except (InputError, ModelError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _analyze(args) -> int:
    from helpers.runner import CHUNK_CHARS, write_analysis

    if args.workers < 1:
        raise InputError("--workers must be at least 1")
    _check_writable(args.out)
    warnings.simplefilter("ignore", category=FutureWarning)
    counts = write_analysis(args.inputs, args.out, model=args.model, workers=args.workers,
                            dask=args.dask, cache=not args.no_cache,
                            chunk_chars=args.chunk_chars or CHUNK_CHARS,
                            target_method=args.target_sentiment, fields=_fields(args))
    sizes = ", ".join(f"{count:,} {name}" for name, count in counts.items())
    print(f"wrote {sizes} to {args.out}", file=sys.stderr)
    return 0


def _report(args) -> int:
    from helpers.report import build_report

    if not Path(args.corpus).exists():
        raise InputError(f"no such file or folder: {args.corpus}")
    _check_writable(args.out)
    return 0 if build_report(args.corpus, args.out, fields=_fields(args)) else 1


def _fields(args) -> dict[str, str]:
    return {role: name for role in ROLES if (name := getattr(args, f"{role}_field"))}


def _check_writable(folder: str | Path) -> None:
    if "://" in str(folder):  # remote storage: its own client reports problems
        return
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        probe = folder / ".write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as error:
        raise InputError(f"cannot write to {folder}: {error.strerror or error}") from None


if __name__ == "__main__":
    sys.exit(main())
