"""Records of news exports -> the parts of an article, and their bodies cleaned.

Which field of a JSON or CSV record holds the text, title, date, outlet, url and id
(`helpers/data/export_fields.csv`: NewsAPI, NewsCatcher, news-please, GDELT, WordPress and
generic names), with the user's own names tried first; and what every body loses on the way
in: HTML markup (CMS exports), a provider's truncation marker ("… [+1259 chars]") and site
furniture such as credits and copyright lines (`helpers/data/boilerplate.csv`).
Nothing here reads files or raises for bad content: callers turn what it reports into
`problems` rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser

from helpers.data_files import data_rows

ROLES = ("text", "title", "date", "outlet", "url", "id")
# Values that stand for a part inside a nested object: WordPress {"rendered": …}, NewsAPI's
# source {"id", "name"}, Arc-style {"basic": …}; the first present wins.
NESTED_KEYS = ("rendered", "name", "basic", "text", "value", "content", "id")
BOILERPLATE_MAX_WORDS = 40
# NewsAPI and similar feeds cut `content` at ~200 characters and append "… [+1259 chars]".
TRUNCATION = re.compile(r"\s*(?:…|\.\.\.)?\s*\[\+\s*(\d[\d,]*)\s*char(?:acter)?s?\]\s*$", re.I)
HTML_TAG = re.compile(r"</?(?:p|div|br|span|a|strong|b|em|i|figure|h[1-6]|ul|ol|li|blockquote|img|section)\b[^>]*>", re.I)
HTML_ENTITY = re.compile(r"&(?:#\d+|#x[0-9a-f]+|[a-z]+\d*);", re.I)


class FieldError(ValueError):
    """A field role the user named that does not exist."""


@lru_cache(maxsize=1)
def field_names() -> dict[str, tuple[str, ...]]:
    """Role -> the field names that hold it, lower-cased, in the order they are tried."""
    names: dict[str, list[str]] = {}
    for row in data_rows("export_fields.csv"):
        names.setdefault(row["role"], []).append(row["name"].lower())
    return {role: tuple(found) for role, found in names.items()}


def check_fields(fields: dict[str, str] | None) -> dict[str, str]:
    """The user's field names by role ({"text": "summary"}), checked; {} for None."""
    fields = dict(fields or {})
    unknown = sorted(set(fields) - set(ROLES))
    if unknown:
        raise FieldError(f"unknown field role {', '.join(unknown)}: use {', '.join(ROLES)}")
    return {role: str(name) for role, name in fields.items() if name}


@dataclass
class Picked:
    """One part of a record: its value as text (or None) and the field it came from."""

    value: str | None = None
    name: str | None = None
    named_missing: bool = False  # the user named a field for this part that the record lacks


def pick(item: dict, role: str, fields: dict[str, str]) -> Picked:
    """The first non-empty value for `role`: the user's field (a dotted path such as
    `content.rendered` reaches into nested objects), else the usual names in order."""
    named = fields.get(role)
    if named:
        value = _as_text(_lookup(item, named))
        if value is not None:
            return Picked(value, named)
    lowered = {str(key).lower(): key for key in item}
    for name in field_names()[role]:
        key = lowered.get(name)
        if key is not None and (value := _as_text(item[key])) is not None:
            return Picked(value, str(key), named_missing=bool(named))
    return Picked(named_missing=bool(named))


def empty_text_fields(item: dict) -> list[str]:
    """The text and teaser fields a record has but leaves empty, as named in the record."""
    wanted = set(field_names()["text"]) | set(field_names()["teaser"])
    return [str(key) for key in item if str(key).lower() in wanted and _as_text(item[key]) is None]


def _lookup(item: dict, path: str):
    value = item
    for part in path.split("."):
        if not isinstance(value, dict):
            return None
        lowered = {str(key).lower(): key for key in value}
        key = lowered.get(part.lower())
        if key is None:
            return None
        value = value[key]
    return value


def _as_text(value) -> str | None:
    """A field's value as text: nested objects by their usual key, lists of strings as
    paragraphs, numbers as written; None when empty."""
    if isinstance(value, dict):
        value = next((value[key] for key in NESTED_KEYS if _as_text(value.get(key)) is not None), None)
        return _as_text(value)
    if isinstance(value, list):
        parts = [text for part in value if (text := _as_text(part)) is not None]
        return "\n\n".join(parts) or None
    if value is None or isinstance(value, bool) or (isinstance(value, float) and value != value):
        return None
    text = str(value).strip()
    return text or None


# --- bodies -----------------------------------------------------------------------------------

@dataclass
class Body:
    """A cleaned body and what was done to it."""

    text: str
    missing_chars: int | None = None  # the provider cut this many characters (truncation marker)
    removed: list[str] = field(default_factory=list)  # boilerplate paragraphs dropped
    was_html: bool = False


def clean_body(text: str) -> Body:
    """HTML markup to paragraphs, a truncation marker cut (its ellipsis kept so a reader sees
    the cut), boilerplate paragraphs dropped."""
    was_html = looks_like_html(text)
    if was_html:
        text = html_to_text(text)
    missing = None
    if match := TRUNCATION.search(text):
        missing = int(match.group(1).replace(",", ""))
        text = text[:match.start()].rstrip() + "…"
    text, removed = strip_boilerplate(text)
    return Body(text, missing, removed, was_html)


def clean_title(title: str | None) -> str:
    """A title without markup or HTML entities ("&#8220;" -> "“")."""
    if not title:
        return ""
    if looks_like_html(title) or HTML_ENTITY.search(title):
        title = " ".join(html_to_text(title).split())
    return title.strip()


def looks_like_html(text: str) -> bool:
    return bool(HTML_TAG.search(text))


def strip_boilerplate(text: str) -> tuple[str, list[str]]:
    """`text` without its short paragraphs of site furniture, and the paragraphs dropped."""
    kept, removed = [], []
    for paragraph in _paragraphs(text):
        if len(paragraph.split()) <= BOILERPLATE_MAX_WORDS and any(
                pattern.match(paragraph) for pattern in _boilerplate()):
            removed.append(paragraph)
        else:
            kept.append(paragraph)
    if not removed:
        return text, []
    separator = "\n\n" if "\n\n" in text else "\n"
    return separator.join(kept), removed


def _paragraphs(text: str) -> list[str]:
    separator = "\n\n" if "\n\n" in text else "\n"
    return [part.strip() for part in text.split(separator) if part.strip()]


@lru_cache(maxsize=1)
def _boilerplate() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(row["pattern"], re.I) for row in data_rows("boilerplate.csv"))


def html_to_text(markup: str) -> str:
    """The readable text of an HTML fragment: one paragraph per block element, entities
    decoded; scripts, styles, figures and their captions, asides and navigation dropped."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    return "\n\n".join(paragraph for paragraph in parser.paragraphs())


class _TextParser(HTMLParser):
    BLOCKS = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr",
              "section", "article", "header", "footer", "ul", "ol", "table", "pre", "hr"}
    SKIPPED = {"script", "style", "figure", "figcaption", "aside", "nav", "noscript", "iframe",
               "template", "svg", "button", "form"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self._pieces: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIPPED:
            self._skipping += 1
        elif tag in self.BLOCKS:
            self._pieces.append("\n")

    def handle_startendtag(self, tag, attrs):
        if tag in self.BLOCKS:
            self._pieces.append("\n")

    def handle_endtag(self, tag):
        if tag in self.SKIPPED:
            self._skipping = max(self._skipping - 1, 0)
        elif tag in self.BLOCKS:
            self._pieces.append("\n")

    def handle_data(self, data):
        if not self._skipping:  # line breaks inside markup are spaces; blocks make paragraphs
            self._pieces.append(re.sub(r"\s+", " ", data))

    def paragraphs(self) -> list[str]:
        return [" ".join(part.split()) for part in "".join(self._pieces).split("\n") if part.strip()]
