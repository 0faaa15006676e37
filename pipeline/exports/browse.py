"""`policy-miner browse`: the store's documents (metadata + full text) and every findings table in one SQLite
database with an FTS5 index, served by Datasette on 127.0.0.1.

Chinese has no spaces, and FTS5's tokenisers split only at them, so the
index holds jieba-segmented text (the pipeline's own segmenter, words joined
by spaces, plus the pieces of long words so that 链主企业 is found by 链主 too)
and a query must be segmented the same way: the ``search`` query of the database does that with the
``jieba_query()`` SQL function (plugin in datasette_plugins/, which also
gives ``jieba_context()`` for the result's context); the table's own search
box takes words separated by spaces.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import sys
from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from pipeline.config import PROJECT_ROOT
from pipeline.exports.columns import COLUMNS
from pipeline.exports.text import full_text
from pipeline.segment import tokenize

DATABASE_NAME = "policy-miner"
BROWSE_DIR = Path(os.environ.get("POLICY_MINER_BROWSE") or PROJECT_ROOT / "build" / "browse")
PLUGINS_DIR = Path(__file__).parent / "datasette_plugins"
FACETS = ["region", "province", {"array": "mode"}, "year", "issuer"]
WORD = re.compile(r"\w", re.UNICODE)
SEARCH_SQL = """select d.doc_id, d.title, d.region, d.date, d.issuer, d.modes,
  jieba_context(d.text, :q) as context
from documents_fts join documents d on d.rowid = documents_fts.rowid
where documents_fts match jieba_query(:q)
order by rank limit 200"""


def index_words(text: str) -> tuple[str, str]:
    """Text as FTS5 indexes it: (the pipeline's jieba words, the two- and three-character pieces of longer words).

    The pieces (as jieba's search mode adds them) let 链主 find 链主企业 and 产业 find 产业链; they sit in a
    column of their own so that search snippets show whole words."""
    words, pieces = [], []
    for word in tokenize(text):
        if WORD.search(word):
            words.append(word)
            pieces += [word[i:i + n] for n in (2, 3) if n < len(word) for i in range(len(word) - n + 1)]
    return " ".join(words), " ".join(pieces)


def fts_query(query: str) -> str:
    """A user's query as an FTS5 expression: its jieba words, each quoted, all required (AND)."""
    words = [w for w in tokenize(query or "") if WORD.search(w)]
    return " ".join('"' + w.replace('"', '""') + '"' for w in words) or '""'


def query_context(text: str, query: str, width: int = 30) -> str:
    """The text around the first occurrence of a query word, the word in 【】 (search results' context column)."""
    text = text or ""
    found = [(text.find(w), w) for w in tokenize(query or "") if WORD.search(w) and w in text]
    if not found:
        return text[:2 * width]
    start, word = min(found)
    left = text[max(0, start - width):start].replace("\n", " ")
    right = text[start + len(word):start + len(word) + width].replace("\n", " ")
    return f"…{left}【{word}】{right}…"


def build_database(findings, manifest: Mapping[str, object], path: Path) -> Path:
    """Write the database (``findings`` is a pipeline.export.Findings) atomically to ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        with sqlite3.connect(tmp) as db:
            _documents_table(findings).to_sql("documents", db, index=False)
            db.execute("CREATE UNIQUE INDEX documents_doc_id ON documents(doc_id)")
            db.execute("CREATE VIRTUAL TABLE documents_fts USING fts5(title, text, pieces, tokenize='unicode61')")
            db.executemany("INSERT INTO documents_fts(rowid, title, text, pieces) VALUES (?,?,?,?)",
                           [(rowid, *_fts_row(title or "", text or ""))
                            for rowid, title, text in db.execute("SELECT rowid, title, text FROM documents")])
            for name, table in findings.all_tables().items():
                if name != "documents":
                    table.to_sql(name, db, index=False)
            pd.DataFrame([{"key": k, "value": json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else v}
                          for k, v in manifest.items() if k != "doc_ids"]).to_sql("manifest", db, index=False)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def _fts_row(title: str, text: str) -> tuple[str, str, str]:
    title_words, title_pieces = index_words(title)
    text_words, text_pieces = index_words(text)
    return title_words, text_words, f"{title_pieces} {text_pieces}"


def _documents_table(findings) -> pd.DataFrame:
    table = findings.documents.copy()  # region, province, admin_code, year … as in documents.csv
    table["mode"] = [json.dumps([m for m in modes.split(";") if m]) for modes in table.modes.fillna("")]  # array facet
    table["source"] = [findings.stored[d].raw.source if d in findings.stored else "" for d in table.doc_id]
    table["text"] = [full_text(findings.stored[d].parts) if d in findings.stored else "" for d in table.doc_id]
    return table


def metadata(manifest: Mapping[str, object]) -> dict:
    """Datasette metadata: title, the run manifest, facets, full-text search and column meanings."""
    store = manifest.get("store", {}) if isinstance(manifest.get("store"), dict) else {}
    description = (f"pipeline {manifest.get('pipeline_version')} (code {manifest.get('code_digest')}, model "
                   f"{manifest.get('model_digest')}, lexicon {manifest.get('lexicon_digest')}); "
                   f"{store.get('documents')} documents from {store.get('path')} "
                   f"(content hash {str(store.get('content_hash', ''))[:16]}); built {manifest.get('finished_at')}. "
                   "Full-text search: the `search` query segments your words with jieba; the documents table's "
                   "search box takes words separated by spaces (链主 企业).")
    tables = {name: {"columns": columns} for name, columns in COLUMNS.items()}
    tables["documents"] = {**tables["documents"], "facets": FACETS, "fts_table": "documents_fts", "fts_pk": "rowid",
                           "searchmode": "escaped", "sort_desc": "date"}
    tables["manifest"] = {"description": "the run manifest (manifest.json) of this database"}
    return {
        "title": "policy-miner corpus",
        "description": description,
        "databases": {DATABASE_NAME: {
            "tables": tables,
            "queries": {"search": {"title": "Full-text search (jieba-segmented)", "sql": SEARCH_SQL,
                                   "description": "Type Chinese as you would write it: it is segmented like the index."}},
        }},
    }


def write_browse(findings, manifest: Mapping[str, object], folder: Path = BROWSE_DIR) -> tuple[Path, Path]:
    """Build the database and its metadata.json in ``folder``; returns (database, metadata) paths."""
    database = build_database(findings, manifest, folder / f"{DATABASE_NAME}.db")
    meta = folder / "metadata.json"
    meta.write_text(json.dumps(metadata(manifest), ensure_ascii=False, indent=1), encoding="utf-8")
    return database, meta


def datasette_command(database: Path, meta: Path, port: int) -> list[str]:
    """The Datasette command line: loopback only, our metadata and the jieba query plugin."""
    return [sys.executable, "-m", "datasette", "serve", str(database), "--metadata", str(meta),
            "--plugins-dir", str(PLUGINS_DIR), "--host", "127.0.0.1", "--port", str(port),
            "--setting", "sql_time_limit_ms", "5000"]


def serve(database: Path, meta: Path, port: int) -> None:
    """Become Datasette (exec, so Ctrl-C and signals reach the server itself, and no child is left behind)."""
    command = datasette_command(database, meta, port)
    sys.stdout.flush()
    os.execv(command[0], command)
