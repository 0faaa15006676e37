"""The deployments `policy-miner schedule` serves: a scheduled refresh → process → export, on-demand reprocess/export."""

from __future__ import annotations

from flows.deployments import NAMES, REFRESH_CRON, REFRESH_SOURCES, DeploymentOptions, deployments


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
