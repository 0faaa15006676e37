"""manifest.json: what made an output folder, so that a table can be cited and the run repeated.

Written last into every output folder (its presence marks the export
complete).  It names the code, model and lexicon by digest, the run's
inputs (input folder or sources and keywords), the store snapshot (document
count and a hash of every exported document's content key), the documents
exported, the rows per table, the digest of every file beside it, the start
and end time and the Prefect flow-run id.  ``policy-miner run
--from-manifest`` reads it back with :func:`read_manifest`.
"""

from __future__ import annotations

import hashlib
import json
import platform
import sys
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from pipeline import __version__
from pipeline.config import LEXICON_DIR, MODELS_DIR

SCHEMA = "policy-miner-manifest/1"
FILE_NAME = "manifest.json"


@dataclass(frozen=True)
class RunInfo:
    """What the caller knows about the run; the export fills in the rest."""

    command: str = "export"  # run | export | schedule …
    input_dir: str = ""  # absolute input folder of `run --input` (empty for crawls)
    sources: tuple[str, ...] = ()  # --source values as given
    keywords: tuple[str, ...] = ()  # --keyword values
    max_docs: int | None = None
    store: str = ""  # store root
    started_at: str = ""  # ISO-8601 UTC; default: when the export started
    flow_run_id: str = ""  # Prefect flow-run id of the outer flow, when there is one


def run_info_from_dict(data: Mapping[str, object] | None) -> RunInfo:
    """RunInfo from a flow parameter (a plain dict); unknown keys are ignored, lists become tuples."""
    known = {f.name for f in fields(RunInfo)}
    values = {key: tuple(value) if isinstance(value, list) else value
              for key, value in (data or {}).items() if key in known and value is not None}
    return RunInfo(**values)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def digest_files(paths: Iterable[Path]) -> str:
    """sha256 over the names and bytes of files (sorted), first 16 hex digits."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def snapshot_hash(content_keys: Mapping[str, str]) -> str:
    """Hash of the exported documents' content keys: equal iff the same documents with the same input."""
    digest = hashlib.sha256()
    for doc_id in sorted(content_keys):
        digest.update(f"{doc_id}:{content_keys[doc_id]}\n".encode())
    return digest.hexdigest()


def build_manifest(run: RunInfo, *, store_path: str, store_documents: int, content_keys: Mapping[str, str],
                   result_versions: Iterable[str], formats: Iterable[str], counts: Mapping[str, int],
                   files: Iterable[Path], started_at: str, finished_at: str | None = None) -> dict:
    """The manifest as a JSON-ready dict (see docs/outputs.md for every field)."""
    from pipeline.process import (
        code_fingerprint,  # imported late: it pulls in the whole processing stack
    )

    return {
        "schema": SCHEMA,
        "pipeline_version": __version__,
        "code_digest": code_fingerprint(),
        "model_digest": digest_files(MODELS_DIR.glob("*")),
        "lexicon_digest": digest_files(LEXICON_DIR.glob("*")),
        "result_versions": sorted(set(result_versions)),
        **{key: value for key, value in asdict(run).items() if key not in ("store", "started_at", "flow_run_id")},
        "formats": sorted(set(formats)),
        "store": {"path": store_path, "store_documents": store_documents, "documents": len(content_keys),
                  "content_hash": snapshot_hash(content_keys)},
        "doc_ids": sorted(content_keys),
        "counts": dict(counts),
        "files": {path.name: file_sha256(path) for path in sorted(files)},
        "started_at": run.started_at or started_at,
        "finished_at": finished_at or now_iso(),
        "flow_run_id": run.flow_run_id,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
    }


def write_manifest(folder: Path, manifest: Mapping[str, object]) -> Path:
    path = folder / FILE_NAME
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def read_manifest(path: Path) -> dict:
    """A manifest written by this pipeline; ValueError naming the file when it is not one."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a readable manifest ({exc})") from exc
    if not isinstance(data, dict) or data.get("schema") != SCHEMA:
        raise ValueError(f"{path}: not a policy-miner manifest (schema {data.get('schema') if isinstance(data, dict) else None!r}, "
                         f"expected {SCHEMA!r})")
    return data
