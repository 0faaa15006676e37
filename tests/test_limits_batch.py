"""Issue 13 item 2, as a user meets it: a 191 MB .txt (under the 200 MiB ingest limit) in a folder with a good
DOCX.  The run must refuse the text file within the per-document limits and land the DOCX beside it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pipeline.parse import limits

TESTS_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(TESTS_DIR / "fixtures" / "parse"))
import make_docs  # noqa: E402

RUN = """
import json, resource, sys
from pathlib import Path
from pipeline.ingest import ingest_folder
from pipeline.process import process_store
from pipeline.store import CorpusStore
with CorpusStore(Path(sys.argv[2])) as store:
    report = ingest_folder(store, Path(sys.argv[1]))
    process_store(store, doc_ids=report.doc_ids)
    names = {d.doc_id: d.url for d in store.documents()}
    results = {names[r.doc_id]: {"errors": list(r.errors), "modes": list(r.classification.labels)
                                 if r.classification else None} for r in store.results()}
print(json.dumps({"peak_rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024, "results": results}))
"""


def test_191mb_text_file_is_refused_and_the_rest_of_its_batch_lands(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    line = ("各市人民政府：为推动产业链高质量发展，决定建立链长制，由市领导担任链长。" * 4 + "\n").encode() * 1000
    with (folder / "huge.txt").open("wb") as out:
        while out.tell() < 191 * 10**6:
            out.write(line)
    (folder / "good.docx").write_bytes(make_docs.policy_docx())

    done = subprocess.run([sys.executable, "-c", RUN, str(folder), str(tmp_path / "store")], capture_output=True,
                          text=True, timeout=1800, cwd=TESTS_DIR.parent)
    assert done.returncode == 0, done.stderr[-2000:]
    outcome = json.loads(done.stdout.splitlines()[-1])
    huge = outcome["results"]["huge.txt"]
    assert not huge["modes"]
    assert any("file too large to parse: 183 MB (limit for text/plain: 16 MB)" in e for e in huge["errors"])
    assert outcome["results"]["good.docx"]["modes"] == ["chain_leader"]
    assert outcome["peak_rss"] < limits.PARSE_MEMORY_BYTES  # the whole run, model included (it was 8 GB+)
