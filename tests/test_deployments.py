"""The deployments `policy-miner schedule` serves: a weekly refresh of the real sources, on-demand reprocess/export."""

from __future__ import annotations

from flows.deployments import REFRESH_CRON, deployments


def test_weekly_refresh_and_on_demand_deployments() -> None:
    by_name = {d.name: d for d in deployments()}
    assert set(by_name) == {"weekly-refresh", "reprocess", "export-findings"}
    refresh = by_name["weekly-refresh"]
    assert [s.schedule.cron for s in refresh.schedules] == [REFRESH_CRON]
    assert refresh.schedules[0].schedule.timezone == "Asia/Shanghai"
    assert refresh.parameters == {"sources": ["national", "provincial"]}
    assert not by_name["reprocess"].schedules and not by_name["export-findings"].schedules
