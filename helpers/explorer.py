"""An explorer for JupyterLab: pick a speaker, an entity or a treaty, see every quote or mention
in context. Rendered to HTML without a live kernel, it shows a static table instead.
"""

from __future__ import annotations

import re

import pandas as pd
from IPython.display import display

from helpers.analysis import Analysis
from helpers.display import table

CONTEXT_CHARS = 80
WIDGET_MIMETYPE = "application/vnd.jupyter.widget-view+json"


def choices(analysis: Analysis) -> dict[str, list[str]]:
    """What can be picked, most frequent first: speakers, entities and treaties."""
    def ranked(column: pd.Series) -> list[str]:
        counts = column.dropna().value_counts()
        return sorted(counts.index, key=lambda value: (-counts[value], value))

    return {"speaker": ranked(analysis.quotes["speaker_name"]),
            "entity": ranked(analysis.entities["canonical"]),
            "treaty": ranked(analysis.treaty_refs["treaty"])}


def in_context(analysis: Analysis, kind: str, value: str) -> pd.DataFrame:
    """Every quote by a speaker, or every mention of an entity or treaty, with text around it
    on one line: a paragraph break reads " ¶ ", other line breaks a space."""
    table, column = {"speaker": (analysis.quotes, "speaker_name"),
                     "entity": (analysis.entities, "canonical"),
                     "treaty": (analysis.treaty_refs, "treaty")}[kind]
    rows = table[table[column] == value]
    texts = analysis.articles.set_index("article_id")["text"]
    records = []
    for row in rows.itertuples():
        text = texts[row.article_id]
        records.append({"article_id": row.article_id,
                        "before": _clip_left(_one_line(text[max(row.start_char - CONTEXT_CHARS, 0):row.start_char])),
                        "match": _one_line(row.text),
                        "after": _clip_right(_one_line(text[row.end_char:row.end_char + CONTEXT_CHARS]))})
    return pd.DataFrame(records, columns=["article_id", "before", "match", "after"])


def context_table(analysis: Analysis, kind: str, value: str, limit: int | None = 5) -> str:
    """HTML (escaped) of `in_context` as a table captioned with the choice."""
    rows = in_context(analysis, kind, value)
    what = {"speaker": "quotes", "entity": "mentions", "treaty": "references"}[kind]
    return table(rows, f"{kind}: {value}", what=what, limit=limit, clip=CONTEXT_CHARS + 2)._repr_html_()


def static_view(analysis: Analysis, per_choice: int = 3) -> str:
    """HTML (escaped) for the most frequent choices of each kind: the explorer without a kernel."""
    parts = [context_table(analysis, kind, value) for kind, values in choices(analysis).items()
             for value in values[:per_choice]]
    return "".join(parts) or "<p>Nothing to explore: no quotes, entities or treaties were found.</p>"


def explore(analysis: Analysis) -> None:
    """Show the explorer: a live widget in JupyterLab, a static table in rendered HTML."""
    import ipywidgets as widgets

    options = choices(analysis)
    kind = widgets.Dropdown(options=list(options), description="Pick a")
    value = widgets.Dropdown(options=options[kind.value], description="")
    output = widgets.HTML()

    def refresh(*_):
        if value.value is None:
            output.value = "<p>Nothing of this kind in the corpus.</p>"
            return
        output.value = context_table(analysis, kind.value, value.value, limit=None)

    def change_kind(*_):
        value.options = options[kind.value]
        refresh()

    kind.observe(change_kind, names="value")
    value.observe(refresh, names="value")
    refresh()
    box = widgets.VBox([widgets.HBox([kind, value]), output])
    bundle = {WIDGET_MIMETYPE: box._repr_mimebundle_()[WIDGET_MIMETYPE],
              "text/html": static_view(analysis),
              "text/plain": f"Explorer: {', '.join(f'{len(v)} {k}s' for k, v in options.items())}"}
    display(bundle, raw=True)


def _one_line(text: str) -> str:
    return re.sub(r"[ \t]*\n[ \t]*", " ", re.sub(r"\s*\n\s*\n\s*", " ¶ ", text))


def _clip_left(text: str) -> str:
    return ("…" + text.split(" ", 1)[-1]) if len(text) >= CONTEXT_CHARS else text.lstrip()


def _clip_right(text: str) -> str:
    return (text.rsplit(" ", 1)[0] + "…") if len(text) >= CONTEXT_CHARS else text.rstrip()
