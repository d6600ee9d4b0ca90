"""The tenant's dashboard (today's figures against the seeds' targets) and a flow version's heat map."""

from __future__ import annotations

import sqlite3
from datetime import date
from typing import Any

from callflow.runtime.service.reports import (
    AGENT_ANSWER_TARGET,
    CONNECTION_TARGET,
    ivr_report,
    paths_report,
    queues_report,
    rate,
)
from callflow.runtime.store.call_reads import Scope, last_calls, tally


def dashboard(connection: sqlite3.Connection, tenant: str, today: date) -> dict[str, Any]:
    """Today's calls, service level, abandonment, containment, voicemail waiting, and the two KPIs with targets:
    connection rate (calls served without the engine's fallback) and agent answer rate (answered / offered)."""
    scope = Scope(tenant, today.isoformat(), today.isoformat())
    ivr = ivr_report(connection, scope, None)["rows"]
    queues = queues_report(connection, scope, None)
    calls = sum(r["calls"] for r in ivr)
    fallback = sum(r["fallback"] for r in ivr)
    offered = queues["summary"]["offered"]
    abandoned = sum(r["abandoned"] for r in queues["rows"])
    waiting = connection.execute(
        "SELECT count(*) FROM voicemails WHERE tenant = ? AND state != 'handled'", (tenant,)
    ).fetchone()[0]
    connection_rate = rate(calls - fallback, calls)
    answer_rate = queues["summary"]["answer_rate"]
    return {
        "day": today.isoformat(),
        "calls": calls,
        "service_level": queues["summary"]["service_level"],
        "abandonment": rate(abandoned, offered),
        "containment": rate(sum(r["self_served"] for r in ivr), calls),
        "voicemail_waiting": int(waiting),
        "kpis": [
            _kpi("connection_rate", connection_rate, CONNECTION_TARGET),
            _kpi("agent_answer_rate", answer_rate, AGENT_ANSWER_TARGET),
        ],
    }


def _kpi(name: str, value: float | None, target: float) -> dict[str, Any]:
    return {"name": name, "value": value, "target": target, "met": None if value is None else value >= target}


def heat_map(connection: sqlite3.Connection, scope: Scope) -> dict[str, Any]:
    """Per node of a flow version: calls that entered it, visits, drop-offs and errors; per exit, times taken."""
    rows = paths_report(connection, scope, None)["rows"]
    nodes = {r["node"]: {k: r[k] for k in ("calls", "visits", "drops", "errors")} for r in rows if r["exit"] == ""}
    exits = [{"node": r["node"], "exit": r["exit"], "taken": r["taken"]} for r in rows if r["exit"] != ""]
    calls = sum(row[4] for row in tally(connection, scope, "call"))
    return {
        "flow": scope.flow,
        "version": scope.version,
        "from": scope.day_from,
        "to": scope.day_to,
        "calls": calls,
        "nodes": nodes,
        "exits": exits,
    }


def node_calls(connection: sqlite3.Connection, scope: Scope, node: str, limit: int) -> list[dict[str, Any]]:
    """The newest calls of the scope that passed a node (each openable as its trace: `GET /api/calls/{call_id}`).
    The tallies say first whether any did: a node nobody reached costs no walk through the records."""
    passed = sum(row[4] for row in tally(connection, scope, "node") if row[1] == node)
    return last_calls(connection, scope, node, min(limit, passed)) if passed else []
