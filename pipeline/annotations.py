"""Item-level annotations of the real excerpts in ``../shared/corpora/real-excerpts``.

The project never copies those texts: ``corpora/annotations/real_excerpts.jsonl``
holds, per file, the gold modes, the region (a path of division names) and
character offsets ``[start, end)`` into the file as read by
``Path.read_text(encoding="utf-8")`` for the scheme's concept, its model
components, its key chains and role holders.  :func:`load_annotations` joins
the offsets back to the texts (and fails loudly if a text moved), so training
and evaluation read the spans in place.

Annotators write drafts with strings instead of offsets (a string may end in
``#N`` to take its N-th occurrence) and convert them::

    python -m pipeline.annotations locate DRAFT.jsonl >> corpora/annotations/real_excerpts.jsonl
    python -m pipeline.annotations show FILE_NAME        # the annotation with its spans' text, for review

The frozen region-grouped split lives in ``corpora/annotations/real_excerpts_split.tsv``.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from pipeline.config import CORPORA_DIR, PROJECT_ROOT
from pipeline.formats import sniff_media_type
from pipeline.models import RawDocument, RawPart

EXCERPTS_DIR = PROJECT_ROOT.parent / "shared" / "corpora" / "real-excerpts" / "docs"
SOURCES_CSVS = ("sources_a.csv", "sources_b.csv")  # the collectors' file → URL lists beside docs/
ANNOTATIONS_DIR = CORPORA_DIR / "annotations"
ANNOTATIONS_FILE = ANNOTATIONS_DIR / "real_excerpts.jsonl"
SPLIT_FILE = ANNOTATIONS_DIR / "real_excerpts_split.tsv"
ROLES = ("chief_chain_head", "chain_head", "lead_firm", "lead_unit", "chain_office")
"""总链长 holders, 链长 holders, 链主 firms, 牵头单位/部门, 链长办/工作专班 (the office that runs a chain)."""

Span = tuple[int, int]


@dataclass(frozen=True)
class Role:
    role: str  # one of ROLES
    holder: Span
    chain: Span | None  # the chain the holder is responsible for, when the text says


@dataclass(frozen=True)
class ExcerptAnnotation:
    file: str
    text: str
    split: str  # train | test (frozen)
    group: str  # split group: province, or subject family for national texts
    modes: tuple[str, ...]
    region: str  # division path, e.g. 江苏省/南通市/如东县, or 全国
    concept: Span | None
    components: tuple[Span, ...]
    chains: tuple[Span, ...]
    roles: tuple[Role, ...]

    def span_text(self, span: Span) -> str:
        return self.text[span[0]:span[1]]


@cache
def read_split(path: Path = SPLIT_FILE) -> dict[str, tuple[str, str]]:
    """file → (group, split) from the frozen split file."""
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line and not line.startswith("#")]
    return {row["file"]: (row["group"], row["split"]) for row in csv.DictReader(lines, delimiter="\t")}


def load_annotations(path: Path = ANNOTATIONS_FILE, excerpts: Path = EXCERPTS_DIR,
                     split: str | None = None) -> list[ExcerptAnnotation]:
    """Every annotated excerpt (or those of one split), with its text read from ``excerpts``."""
    splits = read_split()
    found = []
    for number, record in _records(path):
        group, file_split = splits[record["file"]]
        if split is not None and file_split != split:
            continue
        text = (excerpts / record["file"]).read_text(encoding="utf-8")
        try:
            found.append(_annotation(record, text, group, file_split))
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"{path}:{number}: {record.get('file')}: {exc}") from exc
    return found


def _records(path: Path) -> Iterator[tuple[int, dict]]:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip() and not line.lstrip().startswith("//"):
            yield number, json.loads(line)


def _annotation(record: dict, text: str, group: str, split: str) -> ExcerptAnnotation:
    def span(value: list[int] | None) -> Span | None:
        if value is None:
            return None
        start, end = int(value[0]), int(value[1])
        if not 0 <= start < end <= len(text):
            raise ValueError(f"span {value} outside the text ({len(text)} characters)")
        return start, end

    roles = []
    for role in record.get("roles", []):
        if role["role"] not in ROLES:
            raise ValueError(f"unknown role {role['role']!r}")
        roles.append(Role(role["role"], span(role["holder"]), span(role.get("chain"))))
    return ExcerptAnnotation(
        file=record["file"], text=text, split=split, group=group, modes=tuple(sorted(record.get("modes", []))),
        region=record.get("region") or "", concept=span(record.get("concept")),
        components=tuple(span(s) for s in record.get("components", [])),
        chains=tuple(span(s) for s in record.get("chains", [])), roles=tuple(roles))


def locate(draft: dict, text: str) -> dict:
    """A draft (strings) → an annotation record (offsets).  ``"X#N"`` is the N-th occurrence of X."""
    def find(value: str | None) -> list[int] | None:
        if not value:
            return None
        needle, mark, nth = value.rpartition("#")
        if not (mark and needle and nth.isdigit()):
            needle, nth = value, "1"
        start = -1
        for _ in range(int(nth)):
            start = text.find(needle, start + 1)
            if start < 0:
                raise ValueError(f"{value!r} not found in {draft['file']}")
        return [start, start + len(needle)]

    record = {"file": draft["file"], "modes": sorted(draft.get("modes", [])), "region": draft.get("region", "")}
    record["concept"] = find(draft.get("concept"))
    record["components"] = [find(c) for c in draft.get("components", [])]
    record["chains"] = [find(c) for c in draft.get("chains", [])]
    record["roles"] = [{"role": r["role"], "holder": find(r["holder"]), "chain": find(r.get("chain"))}
                       for r in draft.get("roles", [])]
    if draft.get("note"):
        record["note"] = draft["note"]
    return record


def _main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.annotations", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    convert = commands.add_parser("locate", help="Turn a draft with strings into records with offsets (stdout).")
    convert.add_argument("draft", type=Path)
    show = commands.add_parser("show", help="Print a file's annotation with the text of its spans.")
    show.add_argument("file")
    args = parser.parse_args(argv)
    if args.command == "locate":
        failed = 0
        for number, draft in _records(args.draft):
            try:
                text = (EXCERPTS_DIR / draft["file"]).read_text(encoding="utf-8")
                print(json.dumps(locate(draft, text), ensure_ascii=False))
            except (OSError, ValueError, KeyError) as exc:
                failed += 1
                print(f"{args.draft}:{number}: {exc}", file=sys.stderr)
        return 1 if failed else 0
    for item in load_annotations():
        if item.file == args.file:
            print(f"{item.file} [{item.split}/{item.group}] modes={','.join(item.modes) or '-'} region={item.region}")
            print("concept:", item.span_text(item.concept) if item.concept else "-")
            print("components:", " | ".join(item.span_text(s) for s in item.components))
            print("chains:", " | ".join(item.span_text(s) for s in item.chains))
            for role in item.roles:
                chain = item.span_text(role.chain) if role.chain else "-"
                print(f"role {role.role}: {item.span_text(role.holder)} (chain: {chain})")
            return 0
    print(f"{args.file}: not annotated", file=sys.stderr)
    return 1


@cache
def excerpt_urls(excerpts: Path = EXCERPTS_DIR) -> dict[str, str]:
    """file → landing URL from the collectors' CSVs beside the texts."""
    urls: dict[str, str] = {}
    for name in SOURCES_CSVS:
        path = excerpts.parent / name
        if path.exists():
            with path.open(encoding="utf-8-sig", newline="") as handle:
                urls.update({row["file"]: (row.get("url") or "").strip() for row in csv.DictReader(handle)})
    return urls


def raw_document(file: str, excerpts: Path = EXCERPTS_DIR) -> RawDocument:
    """The excerpt as a crawled page: blob key = its path (read in place), URL = where the collectors found it."""
    path = excerpts / file
    url = excerpt_urls(excerpts).get(file, "") or str(path)
    page = RawPart(role="page", url=url, sha256=str(path), filename=path.name,
                   media_type=sniff_media_type(path.read_bytes(), path.name), size=path.stat().st_size)
    return RawDocument(doc_id=file, source="real-excerpts", url=url, parts=(page,))


if __name__ == "__main__":
    raise SystemExit(_main())
