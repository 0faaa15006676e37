"""One scheme per region across documents.

A region's scheme is often spread over several documents: a mechanism notice
(concept, model, roles) and a later list of chains and their leaders.  Merging
unions what they say, keeps every source doc id and all evidence, and
re-checks the slogan's numeral against the merged components.  Components are
the one exception to the union: when the concept promises a count and one
document's components meet it while the other's do not (a notice enumerating
the “六位一体” parts, a later chain list that only names the roles it assigns),
the ones that meet it are the scheme's model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from pipeline.models import ChainLeaderScheme, ChainRow
from pipeline.extract.chain_leader import concept_count, numeral_flags
from pipeline.chain_names import normalise_chain
from pipeline.extract.text import chain_key, normalise_item, union


def merge_schemes(schemes: Iterable[ChainLeaderScheme]) -> list[ChainLeaderScheme]:
    """Per region (first-seen order): union doc_ids, model, key_chains and evidence; most specific concept; roles filled."""
    merged: dict[str, ChainLeaderScheme] = {}
    for scheme in schemes:
        known = merged.get(scheme.region)
        merged[scheme.region] = scheme if known is None else _merge_two(known, scheme)
    return [replace(s, flags=_flags(s)) for s in merged.values()]


def _merge_two(a: ChainLeaderScheme, b: ChainLeaderScheme) -> ChainLeaderScheme:
    concept = max((a.concept, b.concept), key=concept_specificity)
    model_from = _model_sources(a, b, concept_count(concept))
    evidence = {cell: tuple(dict.fromkeys(e for s in (model_from if cell == "model" else (a, b))
                                          for e in s.evidence.get(cell, ())))
                for cell in (*a.evidence, *b.evidence)}
    return ChainLeaderScheme(
        region=a.region,
        concept=concept,
        model=union(*(s.model for s in model_from), key=normalise_item),
        key_chains=union(a.key_chains, b.key_chains, key=chain_key),
        roles={**b.roles, **a.roles},
        doc_ids=union(a.doc_ids, b.doc_ids),
        evidence=evidence,
    )


def _model_sources(a: ChainLeaderScheme, b: ChainLeaderScheme, count: int | None
                   ) -> tuple[ChainLeaderScheme, ...]:
    """Whose components make the merged model: both, unless exactly one meets the concept's count."""
    meets = [len(s.model) == count for s in (a, b)] if count is not None else [False, False]
    if meets[0] != meets[1]:
        return (a,) if meets[0] else (b,)
    return (a, b)


def concept_specificity(concept: str) -> tuple[int, int]:
    """A slogan that promises a count beats one that does not; then the longer one (工作机制 over 机制)."""
    return (concept_count(concept) is not None, len(concept))


def _flags(scheme: ChainLeaderScheme) -> tuple[str, ...]:
    """Recomputed numeral check, plus any other flags the documents raised."""
    others = tuple(f for f in scheme.flags if not f.startswith("concept numeral"))
    return numeral_flags(scheme.concept, scheme.model) + others


def merge_chains(rows: Iterable[ChainRow]) -> list[ChainRow]:
    """One row per (region, chain): later rows fill the fields earlier ones left empty."""
    merged: dict[tuple[str, str], ChainRow] = {}
    for row in rows:
        key = (row.region, normalise_chain(row.chain))
        known = merged.get(key)
        if known is None:
            merged[key] = row
            continue
        filled = {name: getattr(row, name) for name in ("chain_leader", "chain_owner", "lead_unit")
                  if not getattr(known, name) and getattr(row, name)}
        if filled:
            merged[key] = replace(known, **filled, doc_id=known.doc_id if known.doc_id == row.doc_id
                                  else ",".join(union(known.doc_id.split(","), [row.doc_id])))
    return list(merged.values())
