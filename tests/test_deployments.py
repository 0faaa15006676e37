"""The deployments `policy-miner schedule` serves: a scheduled refresh → process → export, on-demand reprocess/export.

The served test starts `policy-miner schedule` against the session's real Prefect server on loopback, triggers
each deployment and waits (polling, generously) for it to complete with its outputs written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from flows.deployments import NAMES, REFRESH_CRON, REFRESH_SOURCES, DeploymentOptions, deployments

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def test_scheduled_job_refreshes_processes_and_exports_with_the_given_options() -> None:
    by_name = {d.name: d for d in deployments()}
    assert set(by_name) == set(NAMES)
    weekly = by_name["refresh-process-export"]
    assert weekly.flow_name == "run"  # refresh → process → export
    assert [s.schedule.cron for s in weekly.schedules] == [REFRESH_CRON]
    assert weekly.schedules[0].schedule.timezone == "Asia/Shanghai"
    assert weekly.parameters["sources"] == REFRESH_SOURCES
    assert not by_name["reprocess"].schedules and not by_name["export-findings"].schedules

    options = DeploymentOptions(cron="*/5 * * * *", sources=["sample"], keywords=["链长制"], store_root="/data/store",
                                out_dir="/data/out", workers=2)
    by_name = {d.name: d for d in deployments(options)}
    weekly = by_name["refresh-process-export"]
    assert weekly.schedules[0].schedule.cron == "*/5 * * * *"
    assert {k: weekly.parameters[k] for k in ("sources", "keywords", "store_root", "out_dir", "workers")} == {
        "sources": ["sample"], "keywords": ["链长制"], "store_root": "/data/store", "out_dir": "/data/out", "workers": 2}
    assert by_name["reprocess"].parameters["store_root"] == "/data/store"
    assert by_name["export-findings"].parameters["out_dir"] == "/data/out"


def _wait(condition, what: str, process: subprocess.Popen, timeout: float = 900) -> None:
    """Poll ``condition`` until true; fail early if the serving process died (readiness, not a timing check)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            raise AssertionError(f"`policy-miner schedule` exited ({process.returncode}) while waiting for {what}: "
                                 f"{process.stderr.read()[-2000:]}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what} after {timeout} s")
        time.sleep(1)


def test_served_deployments_run_on_a_real_server_and_write_outputs(prefect_server: str, tmp_path: Path) -> None:
    from prefect.client.orchestration import get_client

    store, out = tmp_path / "store", tmp_path / "out"
    env = {k: v for k, v in os.environ.items()} | {"PREFECT_API_URL": prefect_server}
    serving = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "--no-progress", "schedule", "--cron", "0 3 1 1 *", "-s", "sample",
         "--store", str(store), "--out", str(out)],
        cwd=PROJECT_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        with get_client(sync_client=True) as client:
            def served() -> bool:
                return {f"{d.name}" for d in client.read_deployments()} >= set(NAMES)

            _wait(served, "the deployments", serving)
            for flow_name, name in [("run", "refresh-process-export"), ("process", "reprocess"),
                                    ("export", "export-findings")]:
                deployment = client.read_deployment_by_name(f"{flow_name}/{name}")
                flow_run = client.create_flow_run_from_deployment(deployment.id)

                def final(run_id=flow_run.id) -> bool:
                    state = client.read_flow_run(run_id).state
                    return state is not None and state.is_final()

                _wait(final, f"{flow_name}/{name} to finish", serving)
                state = client.read_flow_run(flow_run.id).state
                assert state.is_completed(), (name, state.name, state.message)
                if name == "refresh-process-export":
                    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
                    assert manifest["flow_run_id"] == str(flow_run.id)
                    assert manifest["store"]["documents"] > 0
        documents = (out / "documents.csv").read_text(encoding="utf-8-sig").splitlines()
        assert len(documents) > 10
        assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["command"] == "export"
    finally:
        serving.terminate()
        serving.wait(timeout=120)


def test_prefect_yaml_deploys_the_three_deployments_to_a_process_work_pool(prefect_server: str) -> None:
    from prefect.client.orchestration import get_client

    env = dict(os.environ) | {"PREFECT_API_URL": prefect_server, "POLICY_MINER_CHECKOUT": str(PROJECT_ROOT)}
    prefect = str(Path(sys.executable).with_name("prefect"))
    for command in ([prefect, "work-pool", "create", "policy-miner", "--type", "process", "--overwrite"],
                    [prefect, "--no-prompt", "deploy", "--all"]):
        result = subprocess.run(command, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=900)
        assert result.returncode == 0, (command, result.stdout[-2000:], result.stderr[-2000:])
    with get_client(sync_client=True) as client:
        pooled = {f"{d.name}": d for d in client.read_deployments() if d.work_pool_name == "policy-miner"}
    assert set(pooled) == set(NAMES)
    weekly = pooled["refresh-process-export"]
    assert weekly.entrypoint == "flows/run.py:run_flow"
    assert [s.schedule.cron for s in weekly.schedules] == [REFRESH_CRON]
    assert weekly.parameters["sources"] == REFRESH_SOURCES
