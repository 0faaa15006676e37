"""`policy-miner`: the command line.  Each pipeline command runs the Prefect flow of the same name.

Prefect runs on its embedded local API (a temporary server started by the
first flow call), so nothing has to be started by hand.  Its state lives in
``.prefect/`` in the checkout unless PREFECT_HOME says otherwise.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.config import DEFAULT_STORE, MODELS_DIR, OUTPUTS_DIR, PROJECT_ROOT, SAMPLE_DIR, SOURCES_FILE

app = typer.Typer(
    help="Mine Chinese government policy documents for innovation modes and chain-leader (链长制) structures.\n\n"
         "Pipeline: refresh (crawl) or ingest → process (parse, segment, classify, extract) → export (CSV/Parquet/Markdown).",
    no_args_is_help=True,
    rich_markup_mode=None,
)

Store = Annotated[Path, typer.Option("--store", help="Corpus store folder (SQLite + raw files).", envvar="POLICY_MINER_STORE")]
Sources = Annotated[Optional[list[str]], typer.Option(
    "--source", "-s", help="Source name or group from corpora/sources.toml (repeatable). Default: the bundled sample site, "
                           "served by a local mirror on 127.0.0.1.")]
Keywords = Annotated[Optional[list[str]], typer.Option(
    "--keyword", "-k", help="Only documents matching this keyword, e.g. 链长制 (repeatable).")]
MaxDocs = Annotated[Optional[int], typer.Option("--max-docs", help="Stop each source after this many documents.")]
OutDir = Annotated[Path, typer.Option("--out", "-o", help="Folder for the findings tables.")]
Formats = Annotated[Optional[list[str]], typer.Option(
    "--format", "-f", help="Extra files besides the CSV and Parquet tables (always written): md, xlsx, html, corpus "
                           "(repeatable), e.g. --format xlsx --format html.")]


def _prepare_prefect(verbose: bool) -> None:
    """Keep Prefect's state in the checkout and its console quiet unless asked."""
    os.environ.setdefault("PREFECT_HOME", str(PROJECT_ROOT / ".prefect"))
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's flow and task logs.")] = False,
         progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True) -> None:
    from pipeline import progress as bars

    _prepare_prefect(verbose)
    bars.enable(progress)


@app.command()
def refresh(sources: Sources = None, keywords: Keywords = None, max_docs: MaxDocs = None,
            store: Store = DEFAULT_STORE) -> None:
    """Crawl sources into the store (incremental: only new or changed documents are fetched)."""
    from flows.refresh import refresh_flow

    crawled = refresh_flow(sources, keywords, str(store), max_docs)
    typer.echo(f"refreshed {', '.join(crawled)} into {store}")


@app.command()
def ingest(folder: Annotated[Path, typer.Argument(help="Folder of PDF/HTML/DOCX/TXT files.", exists=True,
                                                  file_okay=False)],
           store: Store = DEFAULT_STORE) -> None:
    """Add a local folder of documents to the store without crawling."""
    from flows.ingest import ingest_flow

    doc_ids = ingest_flow(str(folder), str(store))
    typer.echo(f"{len(doc_ids)} documents from {folder} are in {store}")


@app.command()
def process(force: Annotated[bool, typer.Option(help="Redo documents that are already up to date.")] = False,
            doc: Annotated[Optional[list[str]], typer.Option(help="Only this document id (repeatable).")] = None,
            store: Store = DEFAULT_STORE) -> None:
    """Parse, segment, classify and extract every new or changed document in the store (no scraping)."""
    from flows.process import process_flow

    summary = process_flow(str(store), doc, force)
    typer.echo(f"processed {summary['processed']}, already up to date {summary['up_to_date']}, "
               f"failed {summary['failed']}")


@app.command()
def export(out: OutDir = OUTPUTS_DIR, formats: Formats = None, sources: Annotated[Optional[list[str]], typer.Option(
               "--source", "-s", help="Only documents of this source (repeatable). Default: the whole store.")] = None,
           store: Store = DEFAULT_STORE) -> None:
    """Write the findings tables (documents, chain_leader_table, chains, …) from the store."""
    from flows.export import export_flow
    from pipeline.exports.outdir import ExportError

    try:
        _report_written(export_flow(str(store), str(out), sources, None, formats))
    except ExportError as exc:  # disk full, unwritable --out: one line, the previous export is untouched
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None


@app.command()
def run(input_dir: Annotated[Optional[Path], typer.Option(
            "--input", "-i", help="Process this folder of documents instead of crawling.", exists=True,
            file_okay=False)] = None,
        out: OutDir = OUTPUTS_DIR, sources: Sources = None, keywords: Keywords = None, max_docs: MaxDocs = None,
        formats: Formats = None, store: Store = DEFAULT_STORE) -> None:
    """refresh (or ingest --input) → process → export, in one go."""
    from flows.run import run_flow

    _report_written(run_flow(str(input_dir) if input_dir else None, str(out), str(store), sources, keywords,
                             max_docs, formats))


@app.command()
def browse(store: Store = DEFAULT_STORE,
           sources: Annotated[Optional[list[str]], typer.Option(
               "--source", "-s", help="Only documents of this source (repeatable). Default: the whole store.")] = None,
           folder: Annotated[Optional[Path], typer.Option(
               "--dir", help="Where to write policy-miner.db and metadata.json (default: build/browse).")] = None,
           port: Annotated[int, typer.Option(help="Port on 127.0.0.1.")] = 8001,
           serve: Annotated[bool, typer.Option(help="Serve with Datasette after building (--no-serve: build only).")]
           = True) -> None:
    """Publish documents (metadata + full text) and every findings table in one SQLite database with jieba
    full-text search, and serve it with Datasette on 127.0.0.1 (facets: region, province, mode, year, issuer)."""
    from pipeline.export import collect_findings, findings_manifest
    from pipeline.exports import browse as browsing
    from pipeline.manifest import RunInfo
    from pipeline.store import CorpusStore

    with CorpusStore(store) as corpus:
        findings = collect_findings(corpus, corpus.doc_ids(sources) if sources else None)
    manifest = findings_manifest(findings, RunInfo(command="browse", sources=tuple(sources or ()), store=str(store)))
    database, meta = browsing.write_browse(findings, manifest, folder or browsing.BROWSE_DIR)
    typer.echo(f"wrote {database} ({len(findings.documents)} documents) and {meta}")
    if serve:
        typer.echo(f"serving at http://127.0.0.1:{port}/ (Ctrl-C to stop); full-text search: "
                   f"http://127.0.0.1:{port}/{browsing.DATABASE_NAME}/search")
        raise typer.Exit(browsing.serve(database, meta, port))


@app.command()
def train(labels: Annotated[Optional[Path], typer.Option(help="Label file (default: the shipped one).")] = None,
          models: Annotated[Path, typer.Option(help="Where to write the model.")] = MODELS_DIR) -> None:
    """Retrain the innovation-mode classifier from the labels and write it, with its model card, to models/."""
    from pipeline.classify import train as train_model

    report = train_model(labels, models) if labels else train_model(models_dir=models)
    typer.echo(report.as_text())


@app.command()
def evaluate(split: Annotated[str, typer.Option(help="Label split to score: train, dev or test.")] = "test",
             models: Annotated[Path, typer.Option(help="Model folder.")] = MODELS_DIR) -> None:
    """Per-mode precision/recall/F1 and confusion of the shipped model against the labels."""
    from pipeline.classify import evaluate as evaluate_model

    typer.echo(evaluate_model(models, split=split).as_text())


@app.command()
def status(store: Store = DEFAULT_STORE) -> None:
    """What the store holds: documents per source, processed results, recorded errors."""
    from collections import Counter

    from pipeline.store import CorpusStore

    with CorpusStore(store) as corpus:
        per_source = Counter(d.source for d in corpus.documents())
        results = list(corpus.results())
        problems = [f"[{e.stage}] {e.doc_id or e.url}: {e.message}" for e in corpus.errors() if e.stage != "process"]
    problems += [f"[document] {r.doc_id}: {message}" for r in results for message in r.errors]
    typer.echo(f"store {store}: {sum(per_source.values())} documents, {len(results)} processed, "
               f"{len(problems)} problems recorded")
    for source, count in sorted(per_source.items()):
        typer.echo(f"  {source}: {count}")
    for problem in problems[-20:]:
        typer.echo(f"  {problem}")


@app.command()
def sources(path: Annotated[Path, typer.Option(help="Source registry.")] = SOURCES_FILE) -> None:
    """List the enabled sources and their groups (disabled ones are crawled only when named with --source)."""
    from pipeline.sources import load_sources

    for source in load_sources(path, overrides={"mirror": "http://127.0.0.1:PORT"}):
        typer.echo(f"{source.name:28} {source.group:12} {source.kind:10} {source.base_url}")


@app.command("serve-sample")
def serve_sample(site: Annotated[Path, typer.Option(help="Static site folder.")] = SAMPLE_DIR / "site") -> None:
    """Serve the bundled sample site on 127.0.0.1 for browsing (Ctrl-C to stop)."""
    import time

    from pipeline.mirror import serve_sample_site

    with serve_sample_site(site) as base_url:
        typer.echo(f"serving {site} at {base_url}/ (Ctrl-C to stop)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


@app.command()
def schedule() -> None:
    """Serve the deployments (weekly refresh, on-demand reprocess and export) until interrupted."""
    from flows.deployments import serve_deployments

    serve_deployments()


def _report_written(paths: list[str]) -> None:
    for path in paths:
        typer.echo(f"wrote {path}")


if __name__ == "__main__":
    app()
