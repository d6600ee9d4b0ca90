"""Call records, reports, the dashboard and a flow's heat map: what the designer's report pages read.

Caller numbers are masked (all but the last four digits) for viewers; editors and admins see them whole.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from starlette.responses import Response

from callflow.runtime.api.errors import ApiError
from callflow.runtime.api.flows import flow_name
from callflow.runtime.api.operation import Call, Operation, Query
from callflow.runtime.api.schemas import ANY_OBJECT, INTEGER, STRING, array, obj
from callflow.runtime.call_record import OUTCOMES
from callflow.runtime.service.dashboard import dashboard, heat_map, node_calls
from callflow.runtime.service.report_output import as_csv, check_by, masked_call, scope_for, today_in
from callflow.runtime.service.reports import REPORTS
from callflow.runtime.service.retention import Retention, utc_now
from callflow.runtime.store import call_reads
from callflow.runtime.store.call_reads import Scope
from callflow.runtime.store.pruning import last_run
from callflow.runtime.store.users import Role

CSV_TYPE = "text/csv"
MAX_ID = 2**62
"""The largest record id or version number a query may name (SQLite's integers end at 2**63)."""
DATE = {"type": "string", "format": "date"}

PERIOD_QUERIES = (
    Query("from", DATE, "the first local day (YYYY-MM-DD; default: 29 days before `to`)"),
    Query("to", DATE, "the last local day, included (default: today in the tenant's time zone)"),
    Query("flow", STRING, "only this flow's calls"),
    Query(
        "version",
        {"type": "integer", "minimum": 0, "maximum": MAX_ID},
        "only calls of this version of the flow (0: drafts and files)",
    ),
    Query("origin", {"enum": ["live", "simulated"]}, "only live or only simulated calls"),
)


def today(call: Call) -> date:
    """Today in the tenant's time zone."""
    return today_in(call.workspace.environment().timezone)


def request_scope(call: Call, flow: str | None = None) -> Scope:
    """The scope a request's query asks for."""
    query = call.query
    version = query.get("version")
    if version is not None and not (version.isdigit() and int(version) <= MAX_ID):
        raise ApiError(422, "invalid", "`version` is a version number (0: drafts and files)")
    try:
        return scope_for(
            call.user.tenant.name,
            day_from=query.get("from"),
            day_to=query.get("to"),
            today=today(call),
            flow=flow or query.get("flow"),
            version=int(version) if version is not None else None,
            origin=query.get("origin"),
        )
    except ValueError as error:
        raise ApiError(422, "invalid", str(error)) from None


def _limit(call: Call, default: int = 100) -> int:
    text = call.query.get("limit", str(default))
    if not text.isdigit() or not 0 < int(text) <= 1000:
        raise ApiError(422, "invalid", "`limit` is a number from 1 to 1000")
    return int(text)


def _shown(call: Call, record: dict[str, Any]) -> dict[str, Any]:
    return masked_call(record) if call.user.user.role < Role.editor else record


def list_calls(call: Call) -> dict[str, Any]:
    """Call records, newest first."""
    before = call.query.get("before")
    if before is not None and not (before.isdigit() and int(before) <= MAX_ID):
        raise ApiError(422, "invalid", "`before` is a record id (`id` of a call in the list)")
    outcome = call.query.get("outcome")
    if outcome is not None and outcome not in OUTCOMES:
        raise ApiError(422, "invalid", f"`outcome` is one of {', '.join(OUTCOMES)}")
    found = call_reads.calls(
        call.service.records.connection(),
        request_scope(call),
        outcome=outcome,
        node=call.query.get("node"),
        before=int(before) if before else None,
        limit=_limit(call),
    )
    return {"calls": [_shown(call, r) for r in found]}


def get_call(call: Call) -> dict[str, Any]:
    """One call's record with its trace and its rows."""
    record = call_reads.call(call.service.records.connection(), call.user.tenant.name, str(call.params["call_id"]))
    return _shown(call, record)


def report(call: Call) -> Any:
    """One report, as JSON, or as CSV (`format=csv` or `Accept: text/csv`)."""
    name = str(call.params["report"])
    if name not in REPORTS:
        raise ApiError(404, "not_found", f"there is no report {name!r}; the reports: {', '.join(REPORTS)}")
    try:
        by = check_by(call.query.get("by"))
    except ValueError as error:
        raise ApiError(422, "invalid", str(error)) from None
    answer = REPORTS[name](call.service.records.connection(), request_scope(call), by)
    wants_csv = call.query.get("format") == "csv" or CSV_TYPE in (call.header("accept") or "")
    if wants_csv:
        filename = f"{name}-{answer['scope']['day_from']}-{answer['scope']['day_to']}.csv"
        disposition = {"Content-Disposition": f'attachment; filename="{filename}"'}
        return Response(as_csv(answer), media_type=f"{CSV_TYPE}; charset=utf-8", headers=disposition)
    return answer


def get_dashboard(call: Call) -> dict[str, Any]:
    """Today's figures and the KPIs against their targets."""
    return dashboard(call.service.records.connection(), call.user.tenant.name, today(call))


def get_heat_map(call: Call) -> dict[str, Any]:
    """The heat map of a flow version (by default its newest published version) over a period."""
    name = flow_name(call)
    call.workspace.folder.flows.get(call.user.tenant.id, name)  # another tenant's flow is not found
    scope = request_scope(call, name)
    if scope.version is None:
        published = call.workspace.folder.versions.all(call.user.tenant.id, name)
        scope = Scope(
            scope.tenant, scope.day_from, scope.day_to, name, published[0].version if published else 0, scope.origin
        )
    return heat_map(call.service.records.connection(), scope)


def get_node_calls(call: Call) -> dict[str, Any]:
    """The last calls through one node of a flow."""
    name = flow_name(call)
    call.workspace.folder.flows.get(call.user.tenant.id, name)
    scope = request_scope(call, name)
    found = node_calls(call.service.records.connection(), scope, str(call.params["node"]), _limit(call, 20))
    return {"calls": [_shown(call, r) for r in found]}


def get_retention(call: Call) -> dict[str, Any]:
    """How long the tenant's records are kept, when they are pruned next, and the last prune."""
    tenant = call.user.tenant.name
    connection = call.service.records.connection()
    days = call_reads.retention(connection).get(tenant)
    last = last_run(connection, tenant)
    retention: Retention | None = call.request.app.state.retention
    zone = call.workspace.environment().timezone
    following = None
    if retention is not None and days is not None:
        following = retention.next_for(tenant) or retention.next_after(tenant, utc_now())
    return {
        "days": days,
        "schedule": retention.schedule if retention is not None else None,
        "time_zone": zone,
        "next_prune": following.isoformat() if following is not None else None,
        "last_prune": last.to_json() if last is not None else None,
    }


CALL = obj({"call_id": STRING, "outcome": STRING, "caller": STRING, "start": STRING}, extra=True)
REPORT = obj(
    {"report": STRING, "scope": ANY_OBJECT, "columns": array(STRING), "rows": array(ANY_OBJECT), "summary": ANY_OBJECT},
    {"by": {"type": ["string", "null"]}},
)
CALL_QUERIES = (
    *PERIOD_QUERIES,
    Query("outcome", {"enum": list(OUTCOMES)}, "only calls that ended so"),
    Query("node", STRING, "only calls that passed this node (`subflow/node` for a called flow's)"),
    Query("before", {**INTEGER, "minimum": 0, "maximum": MAX_ID}, "a record id: the calls before it (to page back)"),
    Query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "how many (default 100)"),
)

OPERATIONS = (
    Operation(
        "GET",
        "/api/calls",
        "Call records, newest first",
        list_calls,
        "records",
        query=CALL_QUERIES,
        response=obj({"calls": array(ANY_OBJECT)}),
        errors=(422,),
    ),
    Operation(
        "GET",
        "/api/calls/{call_id}",
        "One call's record, with its trace and rows",
        get_call,
        "records",
        response=CALL,
        errors=(404,),
    ),
    Operation(
        "GET",
        "/api/reports/{report}",
        "A report: calls, ivr, menus, queues, transfers, voicemail, survey, hours, areas, paths, errors",
        report,
        "records",
        query=(
            *PERIOD_QUERIES,
            Query("by", {"enum": ["hour", "day", "week", "month"]}, "one row per period"),
            Query("format", {"enum": ["json", "csv"]}, "csv for a download (or send Accept: text/csv)"),
        ),
        response=REPORT,
        produces=("application/json", CSV_TYPE),
        errors=(404, 422),
        path_params={"report": {"enum": list(REPORTS)}},
    ),
    Operation(
        "GET",
        "/api/dashboard",
        "Today's figures and the KPIs against their targets",
        get_dashboard,
        "records",
        response=ANY_OBJECT,
    ),
    Operation(
        "GET",
        "/api/flows/{name}/heatmap",
        "Calls per node and exit of a flow version, drop-offs and errors per node",
        get_heat_map,
        "records",
        query=PERIOD_QUERIES[:2] + PERIOD_QUERIES[3:],
        response=obj({"nodes": ANY_OBJECT, "exits": array(ANY_OBJECT)}, extra=True),
        errors=(404, 422),
    ),
    Operation(
        "GET",
        "/api/flows/{name}/heatmap/{node}/calls",
        "The last calls that passed a node",
        get_node_calls,
        "records",
        query=(
            *PERIOD_QUERIES[:2],
            PERIOD_QUERIES[3],
            Query("limit", {"type": "integer", "minimum": 1, "maximum": 1000}, "how many (default 20)"),
        ),
        response=obj({"calls": array(ANY_OBJECT)}),
        errors=(404, 422),
    ),
    Operation(
        "GET",
        "/api/records/retention",
        "How long the tenant's call records are kept, the next and the last prune",
        get_retention,
        "records",
        response=obj(
            {"days": {"type": ["integer", "null"]}, "last_prune": {"type": ["object", "null"]}},
            {"schedule": {"type": ["string", "null"]}, "time_zone": STRING, "next_prune": {"type": ["string", "null"]}},
        ),
    ),
)
