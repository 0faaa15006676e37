"""`policy-miner`: the command line.

One-off commands (ingest, refresh, process, export, run) call the library's
jobs (pipeline.jobs) directly: no Prefect server to start, nothing to win a
race against a busy CPU.  Prefect runs them as flows when asked, with
``--prefect`` or when PREFECT_API_URL names a server, and always for
``schedule`` (served deployments), which needs a real server.  Prefect's state
then lives under the user's data folder (0700), never in the checkout.

Every command ends with one summary line; a request that cannot be met
(unknown source or format, empty folder, missing store) is refused before any
work in one line with exit code 2, and no traceback unless ``-v``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import typer

from pipeline.config import DEFAULT_STORE, MODELS_DIR, OUTPUTS_DIR, SAMPLE_DIR, SOURCES_FILE

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
Workers = Annotated[int, typer.Option(
    "--workers", "-w", min=0, envvar="POLICY_MINER_WORKERS",
    help="Process batches in this many local processes (a Dask cluster on this machine); 0: one per core. "
         "Default: 1, in this process.")]
FollowOutside = Annotated[bool, typer.Option(
    "--follow-links-outside", help="Follow symbolic links that leave the input folder (default: recorded, not followed).")]
RetryFailed = Annotated[bool, typer.Option(
    "--retry-failed", help="Retry attachments that failed for good (4xx, too large, wrong type) now, not after "
                           "retry_failed_after_days (sources.toml).")]
DaskAddress = Annotated[Optional[str], typer.Option(
    "--dask-address", envvar="POLICY_MINER_DASK_ADDRESS",
    help="Process batches on the existing Dask cluster at this scheduler address, e.g. tcp://10.0.0.5:8786 "
         "(see docs/operations.md).")]

_options = {"verbose": False, "prefect": False}


def _prefect_home() -> Path:
    """Prefect's state for this user: under the user's data folder, private (0700), never in the checkout."""
    from platformdirs import user_data_dir

    home = Path(os.environ.get("PREFECT_HOME") or Path(user_data_dir("policy-miner")) / "prefect")
    home.mkdir(parents=True, exist_ok=True, mode=0o700)
    home.chmod(0o700)
    return home


def _prepare_prefect() -> None:
    """Before Prefect is imported: its state folder, quiet logs unless -v, a generous server start-up wait."""
    os.environ["PREFECT_HOME"] = str(_prefect_home())
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if _options["verbose"] else "WARNING")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "600")
    os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "pipeline,policy_miner")  # library logs in the run's log


def _use_prefect() -> bool:
    return _options["prefect"] or bool(os.environ.get("PREFECT_API_URL"))


@app.callback()
def main(verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show logs and full tracebacks.")] = False,
         progress: Annotated[bool, typer.Option(help="Show progress bars.")] = True,
         prefect: Annotated[bool, typer.Option(
             "--prefect", help="Run as a Prefect flow (on the server at PREFECT_API_URL if set, else on a temporary "
                               "local one). Default: only when PREFECT_API_URL is set.")] = False) -> None:
    import logging

    from pipeline import progress as bars

    _options.update(verbose=verbose, prefect=prefect)
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    bars.enable(progress)


@contextmanager
def _errors_as_one_line() -> Iterator[None]:
    """Refusals (UsageError) → exit 2; any other failure → exit 1; one line each, the traceback only with -v."""
    from pipeline.jobs import UsageError

    try:
        yield
    except typer.Exit:
        raise
    except KeyboardInterrupt:  # what was stored stays stored; a rerun resumes
        typer.echo("policy-miner: interrupted", err=True)
        raise typer.Exit(130) from None
    except UsageError as exc:
        typer.echo(f"policy-miner: {exc}", err=True)
        raise typer.Exit(2) from None
    except Exception as exc:
        if _options["verbose"]:
            raise
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        typer.echo(f"policy-miner: {message} (-v for details)", err=True)
        raise typer.Exit(1) from None


def _finish(job: Callable[..., object], flow_name: str | None, *args: object) -> None:
    """Run ``job(*args)`` (or the Prefect flow of that name), print its summary line, exit 1 if a source failed."""
    from pipeline.jobs import Summary

    with _errors_as_one_line():
        if flow_name and _use_prefect():
            summary = _run_flow(flow_name, args)
        else:
            summary = job(*args)
        if not isinstance(summary, Summary):
            summary = Summary(**summary)
        typer.echo(summary.line())
        if not summary.ok:
            raise typer.Exit(1)


def _run_flow(name: str, args: tuple) -> dict:
    """The flow ``name`` from flows/, run to a final state; a failed run raises its exception (one line above)."""
    import importlib

    _prepare_prefect()
    flow = getattr(importlib.import_module(f"flows.{name}"), f"{name}_flow")
    return flow(*args, return_state=True).result()


@app.command()
def refresh(sources: Sources = None, keywords: Keywords = None, max_docs: MaxDocs = None,
            retry_failed: RetryFailed = False, store: Store = DEFAULT_STORE) -> None:
    """Crawl sources into the store (incremental: only new or changed documents are fetched).

    Exits 1 when a source could not be crawled (the others are kept)."""
    from pipeline.jobs import refresh_job

    _finish(refresh_job, "refresh", sources, keywords, str(store), max_docs, retry_failed)


@app.command()
def ingest(folder: Annotated[Path, typer.Argument(help="Folder of PDF/HTML/DOCX/TXT files.")],
           follow_links_outside: FollowOutside = False, store: Store = DEFAULT_STORE) -> None:
    """Add a local folder of documents to the store without crawling."""
    from pipeline.jobs import ingest_job

    _finish(ingest_job, "ingest", str(folder), str(store), follow_links_outside)


@app.command()
def process(force: Annotated[bool, typer.Option(help="Redo documents that are already up to date.")] = False,
            doc: Annotated[Optional[list[str]], typer.Option(help="Only this document id (repeatable).")] = None,
            workers: Workers = 1, dask_address: DaskAddress = None, store: Store = DEFAULT_STORE) -> None:
    """Parse, segment, classify and extract every new or changed document in the store (no scraping).

    One process run per store at a time: a second one waits for the first, then finds the work done."""
    from pipeline.jobs import process_job

    _finish(process_job, "process", str(store), doc, force, workers, dask_address)


@app.command()
def export(out: OutDir = OUTPUTS_DIR, formats: Formats = None, sources: Annotated[Optional[list[str]], typer.Option(
               "--source", "-s", help="Only documents of this source (repeatable). Default: the whole store.")] = None,
           store: Store = DEFAULT_STORE) -> None:
    """Write the findings tables (documents, chain_leader_table, chains, …) and manifest.json from the store."""
    from pipeline.jobs import export_job

    _finish(export_job, "export", str(store), str(out), sources, None, formats)


@app.command()
def run(input_dir: Annotated[Optional[Path], typer.Option(
            "--input", "-i", help="Process this folder of documents instead of crawling.")] = None,
        out: OutDir = OUTPUTS_DIR, sources: Sources = None, keywords: Keywords = None, max_docs: MaxDocs = None,
        formats: Formats = None, workers: Workers = 1, dask_address: DaskAddress = None,
        follow_links_outside: FollowOutside = False, retry_failed: RetryFailed = False,
        from_manifest: Annotated[Optional[Path], typer.Option(
            "--from-manifest", help="Redo the run a manifest.json describes: the same documents from the same store "
                                    "(its other options are taken from the manifest).")] = None,
        store: Store = DEFAULT_STORE) -> None:
    """refresh (or ingest --input) → process → export, in one go."""
    from pipeline.jobs import rerun_manifest, run_job

    if from_manifest is not None:
        _finish(rerun_manifest, None, str(from_manifest), str(out), workers, dask_address)
        return
    _finish(run_job, "run", str(input_dir) if input_dir else None, str(out), str(store), sources, keywords,
            max_docs, formats, workers, dask_address, follow_links_outside, retry_failed)


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
    from pipeline.jobs import open_existing

    with _errors_as_one_line(), open_existing(store) as corpus:  # a mistyped --store is refused, not created
        from pipeline.export import collect_findings, findings_manifest
        from pipeline.exports import browse as browsing
        from pipeline.manifest import RunInfo

        findings = collect_findings(corpus, corpus.doc_ids(sources) if sources else None)
    manifest = findings_manifest(findings, RunInfo(command="browse", sources=tuple(sources or ()), store=str(store)))
    database, meta = browsing.write_browse(findings, manifest, folder or browsing.BROWSE_DIR)
    typer.echo(f"wrote {database} ({len(findings.documents)} documents) and {meta}")
    if serve:
        typer.echo(f"serving at http://127.0.0.1:{port}/ (Ctrl-C to stop); full-text search: "
                   f"http://127.0.0.1:{port}/{browsing.DATABASE_NAME}/search")
        browsing.serve(database, meta, port)


@app.command()
def train(labels: Annotated[Optional[Path], typer.Option(help="Label file (default: the shipped one).")] = None,
          models: Annotated[Path, typer.Option(help="Where to write the model.")] = MODELS_DIR) -> None:
    """Retrain the innovation-mode classifier from the labels and write it, with its model card, to models/;
    then retrain the extractor's candidate scorer (models/extractor.json) from the real-excerpt train split."""
    from pipeline.classify import train as train_model
    from pipeline.extract.train import train as train_extractor

    report = train_model(labels, models) if labels else train_model(models_dir=models)
    typer.echo(report.as_text())
    typer.echo(f"extractor scorer written to {train_extractor(models_dir=models)}")


@app.command()
def evaluate(split: Annotated[str, typer.Option(help="Label split to score: train, dev or test.")] = "test",
             models: Annotated[Path, typer.Option(help="Model folder.")] = MODELS_DIR) -> None:
    """Per-mode precision/recall/F1 and confusion of the shipped model against the labels."""
    if split not in ("train", "dev", "test"):
        typer.echo(f"policy-miner: unknown split {split!r}; choose from train, dev, test", err=True)
        raise typer.Exit(2)
    from pipeline.classify import evaluate as evaluate_model

    typer.echo(evaluate_model(models, split=split).as_text())


@app.command()
def status(store: Store = DEFAULT_STORE) -> None:
    """What the store holds: documents per source, processed results, recorded errors, and the stored items
    that are not documents (no file yielded text, or a listing page), counted apart."""
    from pipeline.jobs import status_job

    with _errors_as_one_line():
        typer.echo("\n".join(status_job(store)))


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
def schedule(cron: Annotated[str, typer.Option(help="When the refresh → process → export job runs (cron, Asia/Shanghai).")]
             = "0 3 * * 1",
             sources: Annotated[Optional[list[str]], typer.Option(
                 "--source", "-s", help="Sources or groups the scheduled job crawls (repeatable). "
                                        "Default: national and provincial.")] = None,
             keywords: Keywords = None, max_docs: MaxDocs = None, out: OutDir = OUTPUTS_DIR, formats: Formats = None,
             workers: Workers = 1, dask_address: DaskAddress = None, store: Store = DEFAULT_STORE) -> None:
    """Serve the deployments on the Prefect server at PREFECT_API_URL until interrupted: a scheduled
    refresh → process → export, and on-demand reprocess and export (docs/operations.md)."""
    with _errors_as_one_line():
        from pipeline.jobs import UsageError, check_formats, check_sources

        if not os.environ.get("PREFECT_API_URL"):
            raise UsageError("schedule needs a Prefect server: start one (`prefect server start`) and set "
                             "PREFECT_API_URL=http://127.0.0.1:4200/api (see docs/operations.md)")
        check_sources(sources)
        check_formats(formats)
        _prepare_prefect()
        from flows.deployments import DeploymentOptions, serve_deployments

        serve_deployments(DeploymentOptions(cron=cron, sources=sources or None, keywords=keywords or [],
                                            max_docs=max_docs, store_root=str(store), out_dir=str(out),
                                            formats=formats or [], workers=workers, dask_address=dask_address))


if __name__ == "__main__":
    app()
