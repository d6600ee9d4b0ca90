"""Reports: each a query on the records' tallies (kept up to date as calls are written), shaped into flat rows.

Every report answers `{"report", "scope", "by", "columns", "rows", "summary"}`: `rows` are flat (one value per
column, so CSV and tables need nothing more), `summary` holds the figures over the whole scope. Rates are
fractions from 0 to 1 (None when nothing was counted).
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

from callflow.runtime.store.call_reads import Scope, tally
from callflow.runtime.store.call_records import SERVICE_LEVEL_S

AGENT_ANSWER_TARGET = 0.90
"""The seeds' KPI: 90 % of the calls offered to agents answered."""
CONNECTION_TARGET = 0.99
"""The seeds' KPI: 99 % of calls connected (served without the engine's fallback)."""

OUTCOME_COLUMNS = ("self_served", "agent", "voicemail", "transferred", "abandoned", "fallback")
WEEKDAYS = ("Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat")

Report = Callable[[sqlite3.Connection, Scope, "str | None"], dict[str, Any]]


def rate(part: float, whole: float) -> float | None:
    """part / whole to four places, None when the whole is nothing."""
    return round(part / whole, 4) if whole else None


def _answer(
    name: str, scope: Scope, by: str | None, columns: list[str], rows: list[dict[str, Any]], **summary: Any
) -> dict[str, Any]:
    return {"report": name, "scope": asdict(scope), "by": by, "columns": columns, "rows": rows, "summary": summary}


def calls_report(connection: sqlite3.Connection, scope: Scope, by: str | None) -> dict[str, Any]:
    """Calls per flow and called number (per period): how many, how long on average and at most."""
    groups: dict[tuple[str, str, str], list[float]] = {}
    for period, flow, called, _outcome, _language, n, total, top in tally(
        connection, scope, "call", by=by, extra=["flow"]
    ):
        figures = groups.setdefault((period, flow, called), [0, 0.0, 0.0])
        figures[0] += n
        figures[1] += total
        figures[2] = max(figures[2], top)
    rows = [
        {"period": p, "flow": f, "called": c, "calls": int(n), "avg_duration_s": _avg(t, n), "max_duration_s": m}
        for (p, f, c), (n, t, m) in groups.items()
    ]
    columns = ["period", "flow", "called", "calls", "avg_duration_s", "max_duration_s"]
    return _answer("calls", scope, by, columns, rows, calls=sum(r["calls"] for r in rows))


def ivr_report(connection: sqlite3.Connection, scope: Scope, by: str | None) -> dict[str, Any]:
    """How calls ended, per period: self-served, to an agent, to voicemail, transferred, abandoned in the IVR, by
    the fallback; the containment rate (self-served / calls)."""
    periods: dict[str, dict[str, Any]] = {}
    for period, _called, outcome, _language, n, _total, _top in tally(connection, scope, "call", by=by):
        row = periods.setdefault(period, {"period": period, "calls": 0, **dict.fromkeys(OUTCOME_COLUMNS, 0)})
        row["calls"] += n
        if outcome in row:
            row[outcome] += n
    rows = list(periods.values())
    for row in rows:
        row["containment"] = rate(row["self_served"], row["calls"])
    calls = sum(r["calls"] for r in rows)
    served = sum(r["self_served"] for r in rows)
    columns = ["period", "calls", *OUTCOME_COLUMNS, "containment"]
    return _answer("ivr", scope, by, columns, rows, calls=calls, containment=rate(served, calls))


def menus_report(connection: sqlite3.Connection, scope: Scope, by: str | None) -> dict[str, Any]:
    """Choices per menu and key (`failed`, and `hangup` for callers who hung up in it), and the silences
    (`no_input`) and wrong keys (`no_match`), each with its share of the menu's attempts (a choice made, a silence
    or a wrong key each count one attempt)."""
    found = tally(connection, scope, "menu", by=by)
    attempts: dict[tuple[str, str], int] = defaultdict(int)
    for period, menu, choice, _k3, n, _total, _top in found:
        if choice not in ("failed", "hangup"):  # a failure is already counted as a silence or a wrong key
            attempts[(period, menu)] += n
    rows = [
        {"period": p, "menu": menu, "choice": choice, "count": n, "share": rate(n, attempts[(p, menu)])}
        for p, menu, choice, _k3, n, _total, _top in found
    ]
    return _answer("menus", scope, by, ["period", "menu", "choice", "count", "share"], rows)


def queues_report(connection: sqlite3.Connection, scope: Scope, by: str | None) -> dict[str, Any]:
    """Per queue: offered, answered, abandoned, offers taken, timeouts; service level (answered within 20 s / offered),
    average speed of answer, longest wait, average wait before abandoning, and the answer rate against its target."""
    queues: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for period, queue, kind, _k3, n, total, top in tally(connection, scope, "queue", by=by):
        figures = queues[(period, queue)]
        figures[kind] += n
        figures[f"{kind}_total"] += total
        figures[f"{kind}_top"] = max(figures[f"{kind}_top"], top)
    rows = [_queue_row(period, queue, f) for (period, queue), f in queues.items()]
    offered = sum(r["offered"] for r in rows)
    answered = sum(r["answered"] for r in rows)
    in_time = sum(queues[k]["answered_in_time"] for k in queues)
    columns = [
        "period", "queue", "offered", "answered", "abandoned", "offer_taken", "timeout", "service_level",
        "asa_s", "longest_wait_s", "avg_abandon_s", "answer_rate", "answer_target", "meets_target",
    ]  # fmt: skip
    answer_rate = rate(answered, offered)
    return _answer(
        "queues",
        scope,
        by,
        columns,
        rows,
        offered=offered,
        answered=answered,
        service_level=rate(in_time, offered),
        service_level_s=SERVICE_LEVEL_S,
        answer_rate=answer_rate,
        answer_target=AGENT_ANSWER_TARGET,
        meets_target=None if answer_rate is None else answer_rate >= AGENT_ANSWER_TARGET,
    )


def _queue_row(period: str, queue: str, f: dict[str, float]) -> dict[str, Any]:
    offered, answered = int(f["offered"]), int(f["answered"])
    answer_rate = rate(answered, offered)
    return {
        "period": period,
        "queue": queue,
        "offered": offered,
        "answered": answered,
        "abandoned": int(f["abandoned"]),
        "offer_taken": int(f["offer"]),
        "timeout": int(f["timeout"]),
        "service_level": rate(f["answered_in_time"], offered),
        "asa_s": _avg(f["answered_total"], answered),
        "longest_wait_s": round(f["offered_top"], 3),
        "avg_abandon_s": _avg(f["abandoned_total"], f["abandoned"]),
        "answer_rate": answer_rate,
        "answer_target": AGENT_ANSWER_TARGET,
        "meets_target": None if answer_rate is None else answer_rate >= AGENT_ANSWER_TARGET,
    }


def transfers_report(connection: sqlite3.Connection, scope: Scope, by: str | None) -> dict[str, Any]:
    """Transfers per destination and result."""
    rows = [
        {"period": p, "destination": destination, "result": result, "count": n}
        for p, destination, result, _k3, n, _total, _top in tally(connection, scope, "transfer", by=by)
    ]
    return _answer(
        "transfers",
        scope,
        by,
        ["period", "destination", "result", "count"],
        rows,
        transfers=sum(r["count"] for r in rows),
    )


def survey_report(connection: sqlite3.Connection, scope: Scope, by: str | None) -> dict[str, Any]:
    """Answers per question and queue, each with its share, and the question's average score (numeric answers)."""
    found = tally(connection, scope, "survey", by=by)
    groups: dict[tuple[str, str, str], list[tuple[str, int]]] = defaultdict(list)
    for period, question, queue, answer, n, _total, _top in found:
        groups[(period, question, queue)].append((answer, n))
    rows = []
    for (period, question, queue), answers in groups.items():
        count = sum(n for _a, n in answers)
        scored = [(float(a), n) for a, n in answers if _number(a)]
        average = round(sum(a * n for a, n in scored) / sum(n for _a, n in scored), 3) if scored else None
        for answer, n in answers:
            row = {"period": period, "question": question, "queue": queue, "answer": answer, "count": n}
            rows.append({**row, "share": rate(n, count), "average": average})
    return _answer("survey", scope, by, ["period", "question", "queue", "answer", "count", "share", "average"], rows)


def hours_report(connection: sqlite3.Connection, scope: Scope, by: str | None) -> dict[str, Any]:
    """Calls per day of the week and hour of the day; the peak hour (the busiest hour of one day) and its load."""
    cells: dict[tuple[int, int], int] = defaultdict(int)
    for _p, hour, weekday, _called, _outcome, _language, n, _total, _top in tally(
        connection, scope, "call", extra=["hour", "CAST(strftime('%w', day) AS INTEGER)"]
    ):
        cells[(int(weekday), int(hour))] += n
    rows = [
        {"weekday": WEEKDAYS[weekday], "hour": hour, "calls": n}
        for (weekday, hour), n in sorted(cells.items(), key=lambda item: ((item[0][0] + 6) % 7, item[0][1]))
    ]
    busiest: dict[str, int] = defaultdict(int)
    for period, _called, _outcome, _language, n, _total, _top in tally(connection, scope, "call", by="hour"):
        busiest[period] += n
    peak = max(busiest.items(), key=lambda item: (item[1], item[0]), default=None)
    return _answer(
        "hours",
        scope,
        None,
        ["weekday", "hour", "calls"],
        rows,
        peak_hour=peak[0] if peak else None,
        peak_calls=peak[1] if peak else 0,
    )


def areas_report(connection: sqlite3.Connection, scope: Scope, by: str | None) -> dict[str, Any]:
    """Calls per caller area (area code, `mobile` or `other`), each with its share of the period's calls."""
    found = tally(connection, scope, "area", by=by)
    totals: dict[str, int] = defaultdict(int)
    for period, *_rest, n, _total, _top in found:
        totals[period] += n
    rows = [
        {"period": p, "area": area, "calls": n, "share": rate(n, totals[p])} for p, area, _k2, _k3, n, _t, _m in found
    ]
    rows.sort(key=lambda r: (r["period"], -r["calls"], r["area"]))
    return _answer("areas", scope, by, ["period", "area", "calls", "share"], rows)


def paths_report(connection: sqlite3.Connection, scope: Scope, by: str | None) -> dict[str, Any]:
    """Per node: callers who entered it, visits, callers who hung up there (drop-offs) and errors; per exit: how
    often it was taken (rows with an `exit`). The heat map's numbers."""
    nodes: dict[str, dict[str, Any]] = {}

    def node(name: str) -> dict[str, Any]:
        return nodes.setdefault(
            name, {"node": name, "exit": "", "calls": 0, "visits": 0, "taken": 0, "drops": 0, "errors": 0}
        )

    for _p, name, _k2, _k3, n, total, _top in tally(connection, scope, "node"):
        node(name)["calls"] += n
        node(name)["visits"] += int(total)
    for _p, name, _k2, _k3, n, _total, _top in tally(connection, scope, "drop"):
        node(name)["drops"] += n
    for _p, name, _kind, _k3, n, _total, _top in tally(connection, scope, "error"):
        node(name)["errors"] += n
    exits = [
        {"node": name, "exit": exit_name, "calls": 0, "visits": 0, "taken": n, "drops": 0, "errors": 0}
        for _p, name, exit_name, _k3, n, _total, _top in tally(connection, scope, "exit")
    ]
    rows = sorted([*nodes.values(), *exits], key=lambda r: (r["node"], r["exit"]))
    columns = ["node", "exit", "calls", "visits", "taken", "drops", "errors"]
    return _answer("paths", scope, None, columns, rows, drops=sum(r["drops"] for r in nodes.values()))


def errors_report(connection: sqlite3.Connection, scope: Scope, by: str | None) -> dict[str, Any]:
    """Flow errors, fallbacks and data sources that failed (`source_error`, `source_timeout`) per node."""
    rows = [
        {"period": p, "node": name, "kind": kind, "count": n}
        for p, name, kind, _k3, n, _total, _top in tally(connection, scope, "error", by=by)
    ]
    return _answer("errors", scope, by, ["period", "node", "kind", "count"], rows, errors=sum(r["count"] for r in rows))


def voicemail_report(connection: sqlite3.Connection, scope: Scope, by: str | None) -> dict[str, Any]:
    """Messages per mailbox: how many, unread, read, handled, and the average time to handle one (hours)."""
    period = {
        None: "''",
        "hour": "substr(time, 1, 13)",
        "day": "day",
        "week": "date(day, '-6 days', 'weekday 1')",
        "month": "substr(day, 1, 7)",
    }[by]
    where, args = "tenant = ? AND day BETWEEN ? AND ?", [scope.tenant, scope.day_from, scope.day_to]
    if scope.flow is not None:
        where, args = where + " AND flow = ?", [*args, scope.flow]
    found = connection.execute(
        f"SELECT {period}, mailbox, count(*), sum(state = 'unread'), sum(state = 'read'), sum(state = 'handled'), "
        "avg(CASE WHEN state = 'handled' THEN (julianday(handled_at) - julianday(time)) * 24 END) "
        f"FROM voicemails WHERE {where} GROUP BY 1, 2 ORDER BY 1, 2",
        args,
    ).fetchall()
    rows = [
        {
            "period": p,
            "mailbox": m,
            "messages": n,
            "unread": u,
            "read": r,
            "handled": h,
            "avg_hours_to_handle": None if t is None else round(t, 3),
        }
        for p, m, n, u, r, h, t in found
    ]
    columns = ["period", "mailbox", "messages", "unread", "read", "handled", "avg_hours_to_handle"]
    return _answer("voicemail", scope, by, columns, rows, messages=sum(r["messages"] for r in rows))


REPORTS: dict[str, Report] = {
    "calls": calls_report,
    "ivr": ivr_report,
    "menus": menus_report,
    "queues": queues_report,
    "transfers": transfers_report,
    "voicemail": voicemail_report,
    "survey": survey_report,
    "hours": hours_report,
    "areas": areas_report,
    "paths": paths_report,
    "errors": errors_report,
}


def _avg(total: float, n: float) -> float | None:
    return round(total / n, 3) if n else None


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
