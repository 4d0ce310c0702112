"""Entities: every named mention with its entity's canonical name, people's roles, countries
behind nationality adjectives, and the tables built on them (people, co-occurrence).

Who each mention is (`canonical`, `label`, `role`, `country`) is decided by
`helpers.identity`, the one place that decides it for entities, quotes and sentiment; this
module turns it into records and into the tables the notebooks show. Only named things are
kept: numeric labels (DATE, MONEY, CARDINAL, ...) are left out.
"""

from __future__ import annotations

import html
from collections import Counter, defaultdict
from itertools import combinations

import pandas as pd

from helpers.display import Findings, count, passage_end, period_frequency
from helpers.identity import identify
from helpers.structure import Context

# Mentions drawn in the article view before the excerpt stops.
VIEW_MENTIONS = 40
# What a reader calls the labels that name people, organisations and places.
KINDS = {"person": ("PERSON",), "organisation": ("ORG",), "place": ("GPE", "LOC", "FAC")}


def extract_entities(context: Context) -> list[dict]:
    """Records of the `entities` table for one article, with `role` and `country`."""
    return [context.record(named.start, named.end, label=named.label, canonical=named.canonical,
                           sentence=context.sentence_at(named.start), role=named.role,
                           country=named.country)
            for named in identify(context).mentions]


def mention_counts(entities: pd.DataFrame, labels=None) -> pd.DataFrame:
    """Mentions and articles per canonical name, most mentioned first. Each name counts under
    one label, the one most of its mentions carry, so a name tagged a person once and a place
    five times is one place with six mentions, never also "the most mentioned person"."""
    entities = entities.assign(label=main_labels(entities))
    if labels is not None:
        entities = entities[entities["label"].isin(labels)]
    counts = (entities.groupby(["canonical", "label"], observed=True)
              .agg(mentions=("article_id", "size"), articles=("article_id", "nunique"))
              .reset_index())
    return counts.sort_values(["mentions", "articles", "canonical"], ascending=[False, False, True],
                              ignore_index=True)


def main_labels(entities: pd.DataFrame) -> pd.Series:
    """Each mention's label replaced by its canonical name's most frequent one (ties: the
    label first in alphabetical order); mentions without a canonical name keep theirs."""
    named = entities.dropna(subset=["canonical"])
    counts = named.groupby(["canonical", "label"], observed=True).size().reset_index(name="n")
    main = (counts.sort_values(["canonical", "n", "label"], ascending=[True, False, True])
            .drop_duplicates("canonical").set_index("canonical")["label"])
    return entities["canonical"].map(main).fillna(entities["label"]).astype(entities["label"].dtype)


def most_mentioned(entities: pd.DataFrame, per_kind: int = 8) -> pd.DataFrame:
    """The `per_kind` most mentioned people, organisations and places: `kind`, `canonical`,
    `label`, `mentions`, `articles`."""
    counts = mention_counts(entities)
    parts = [counts[counts["label"].isin(labels)].head(per_kind).assign(kind=kind)
             for kind, labels in KINDS.items()]
    table = pd.concat(parts, ignore_index=True) if parts else counts.assign(kind=None)
    return table[["kind", "canonical", "label", "mentions", "articles"]]


def busiest_article(entities: pd.DataFrame) -> str:
    """The article with the most entity mentions (the first by id on a tie)."""
    sizes = entities.groupby("article_id", observed=True).size()
    return sizes.sort_index().sort_values(ascending=False, kind="stable").index[0]


def people(entities: pd.DataFrame) -> pd.DataFrame:
    """One row per person: `name`, `role` (the most frequent), `roles` (every distinct role,
    case-insensitively, by how many articles give it, joined by "; "), `articles`,
    `mentions`; most mentioned first."""
    persons = entities[entities["label"] == "PERSON"].dropna(subset=["canonical"])
    table = (persons.groupby("canonical", observed=True)
             .agg(articles=("article_id", "nunique"), mentions=("article_id", "size")))
    roles = persons.dropna(subset=["role"]).drop_duplicates(["canonical", "article_id", "role"])
    roles = roles.assign(key=roles["role"].str.casefold())
    ranked = (roles.groupby(["canonical", "key"], observed=True)
              .agg(spelled=("role", "first"), articles=("article_id", "nunique")).reset_index()
              .sort_values(["canonical", "articles", "key"], ascending=[True, False, True]))
    by_person = ranked.groupby("canonical", observed=True)["spelled"]
    table["role"] = by_person.first()
    table["roles"] = by_person.agg("; ".join)
    table = table.reset_index().rename(columns={"canonical": "name"})
    table["roles"] = table["roles"].fillna("")
    table = table[["name", "role", "roles", "articles", "mentions"]].astype(
        {"name": "string", "role": "string", "roles": "string", "articles": "int64", "mentions": "int64"})
    return table.sort_values(["mentions", "articles", "name"], ascending=[False, False, True],
                             ignore_index=True)


def cooccurrence(entities: pd.DataFrame, unit: str = "sentence", labels=None,
                 min_count: int = 1) -> pd.DataFrame:
    """Pairs of canonical names seen in the same sentence (or paragraph): `entity_a`,
    `entity_b` (alphabetical), `count` (units holding both), `articles`; an edge list."""
    if unit not in ("sentence", "paragraph"):
        raise ValueError(f"unit must be 'sentence' or 'paragraph', not {unit!r}")
    if labels is not None:
        entities = entities[entities["label"].isin(labels)]
    units = entities.dropna(subset=["canonical"]).groupby(["article_id", unit], observed=True)["canonical"]
    counts: Counter = Counter()
    articles: dict[tuple[str, str], set] = defaultdict(set)
    for (article_id, _), names in units:
        for pair in combinations(sorted(set(names)), 2):
            counts[pair] += 1
            articles[pair].add(article_id)
    rows = [{"entity_a": a, "entity_b": b, "count": n, "articles": len(articles[(a, b)])}
            for (a, b), n in counts.items() if n >= min_count]
    table = pd.DataFrame(rows, columns=["entity_a", "entity_b", "count", "articles"])
    table = table.astype({"entity_a": "string", "entity_b": "string", "count": "int64",
                          "articles": "int64"})
    return table.sort_values(["count", "entity_a", "entity_b"], ascending=[False, True, True],
                             ignore_index=True)


def cooccurrence_matrix(entities: pd.DataFrame, unit: str = "sentence", top: int = 10,
                        labels=None) -> pd.DataFrame:
    """Square table of co-occurrence counts among the `top` names most often named together
    with others (by units shared), for a heatmap: every row has at least one pair; rows and
    columns in order of those counts, the diagonal 0."""
    if labels is not None:
        entities = entities[entities["label"].isin(labels)]
    pairs = cooccurrence(entities, unit=unit)
    links = pd.concat([pairs[["entity_a", "count"]].set_axis(["name", "count"], axis=1),
                       pairs[["entity_b", "count"]].set_axis(["name", "count"], axis=1)])
    totals = links.groupby("name")["count"].sum()
    names = sorted(totals.index, key=lambda name: (-totals[name], name))[:top]
    matrix = pd.DataFrame(0, index=pd.Index(names, name=None), columns=names, dtype="int64")
    for a, b, count in pairs[["entity_a", "entity_b", "count"]].itertuples(index=False):
        if a in matrix.index and b in matrix.index:
            matrix.loc[a, b] = matrix.loc[b, a] = count
    return matrix


def attention(entities: pd.DataFrame, articles: pd.DataFrame, by: str = "date", top: int = 6,
              freq: str | None = None, outlets: int = 8) -> pd.DataFrame:
    """Share of entity mentions (%) going to each of the `top` names, per period (`by="date"`)
    or per outlet (`by="outlet"`); the names are those found in the most periods or outlets
    (then the most mentioned), so the comparison is not of one outlet's names. Periods (of `freq`, else chosen from the span of the dates:
    days, weeks, months or years) are indexed by their first day, every period from the first
    to the last, blank where no article was published; outlets most mentioned first."""
    if by not in ("date", "outlet"):
        raise ValueError(f"by must be 'date' or 'outlet', not {by!r}")
    keyed = entities.merge(articles[["article_id", by]], on="article_id").dropna(subset=[by])
    if by == "date":
        freq = freq or period_frequency(keyed[by])[0]
        keyed[by] = keyed[by].dt.to_period(freq)
    # A comparison needs names seen in many periods or outlets: rank by how many, then by mentions.
    spread = keyed.groupby("canonical")[by].nunique()
    mentions = keyed.groupby("canonical").size()
    names = sorted(spread.index, key=lambda name: (-spread[name], -mentions[name], name))[:top]
    totals = keyed.groupby(by).size()
    counts = (keyed[keyed["canonical"].isin(names)].groupby([by, "canonical"]).size()
              .unstack(fill_value=0).reindex(index=totals.index, columns=names, fill_value=0))
    shares = (counts.div(totals, axis=0) * 100).round(1).rename_axis(columns=None)
    if by == "outlet":  # the outlets with most mentions; a share of a handful means little
        return shares.loc[totals.sort_index().sort_values(ascending=False, kind="stable").index[:outlets]]
    every = pd.period_range(shares.index.min(), shares.index.max(), freq=freq)
    shares = shares.reindex(every)
    shares.index = shares.index.to_timestamp()
    return shares.rename_axis(index="date")


def displacy_entities(text: str, entities: pd.DataFrame, title: str | None = None) -> dict:
    """displaCy's manual input for one article's entities (`style="ent"`, `manual=True`)."""
    spans = sorted(zip(entities["start_char"], entities["end_char"], entities["label"]))
    ents, last_end = [], 0
    for start, end, label in spans:
        if start >= last_end:  # displaCy cannot draw overlapping spans
            ents.append({"start": int(start), "end": int(end), "label": str(label)})
            last_end = end
    return {"text": text, "ents": ents, "title": title}


def entity_view_html(text: str, entities: pd.DataFrame, title: str | None = None,
                     limit: int = VIEW_MENTIONS) -> str:
    """An article with its entities highlighted by displaCy, safe for untrusted text: up to
    the end of the paragraph of its `limit`-th mention, and a sentence saying so when the
    rest is left out (a briefing's hundreds of mentions would fill a phone's screen for
    minutes).

    displaCy escapes the text but not the title or labels, so those are escaped here.
    """
    from spacy import displacy

    spans = list(zip(entities["start_char"], entities["end_char"], entities["label"]))
    end = passage_end(text, spans, limit)
    shown = entities[entities["end_char"] <= end]
    manual = displacy_entities(text[:end], shown, html.escape(title) if title else None)
    for ent in manual["ents"]:
        ent["label"] = html.escape(ent["label"])
    view = displacy.render(manual, style="ent", manual=True, jupyter=False)
    if len(shown) < len(entities):
        view += (f"<p>The first {len(shown):,} of {len(entities):,} mentions, up to the end of their "
                 "paragraph; the rest of the article is left out.</p>")
    return view


def attention_or_reason(entities: pd.DataFrame, articles: pd.DataFrame, by: str,
                        top: int = 6) -> tuple[pd.DataFrame | None, str | None]:
    """`attention(...)`, or a sentence saying why this corpus cannot show it (fewer than two
    dated periods or outlets) instead of an empty figure."""
    known = articles[by].dropna()
    if by == "date":
        groups = known.dt.to_period(period_frequency(known)[0]).nunique() if len(known) else 0
        what = f"{period_frequency(known)[1]}s with dated articles" if len(known) else "dated articles"
    else:
        groups, what = known.nunique(), "outlets"
    if groups < 2:
        return None, (f"This corpus has {count(len(articles), 'article')} and {groups} {what}, "
                      f"so attention by {by} cannot be compared here.")
    return attention(entities, articles, by=by, top=top), None


def findings(entities: pd.DataFrame, articles: pd.DataFrame) -> Findings:
    """The entities notebook's closing findings: what the entity tables found in this corpus."""
    counts = mention_counts(entities)
    lines = [f"{count(len(articles), 'article')}, {count(len(entities), 'entity mention')} "
             f"naming {count(entities['canonical'].nunique(), 'distinct thing')}."]
    for kind, labels in KINDS.items():
        top = counts[counts["label"].isin(labels)]
        if len(top):
            lines.append(f"Most mentioned {kind}: {top.iloc[0]['canonical']} "
                         f"({count(top.iloc[0]['mentions'], 'mention')} in {count(top.iloc[0]['articles'], 'article')}).")
    table = people(entities)
    with_role = table.dropna(subset=["role"])
    lines.append(f"{count(len(table), 'person', 'people')}, {len(with_role):,} with a role written in the text"
                 + (f" (e.g. {with_role.iloc[0]['name']}, {with_role.iloc[0]['role']})."
                    if len(with_role) else "."))
    countries_named = entities.loc[entities["label"] == "NORP", "country"].dropna().nunique()
    lines.append(f"Nationality words point to {count(countries_named, 'country', 'countries')}.")
    pairs = cooccurrence(entities)
    if len(pairs):
        pair = pairs.iloc[0]
        lines.append(f"Most often named together: {pair['entity_a']} and {pair['entity_b']}, in "
                     f"{count(pair['count'], 'sentence')}.")
    return Findings(lines)

