"""lookup: read or write a data source (an SQLite query or an HTTP request) and store what it returns.

Every variable in `save` must find a value in the answer (absent or null, the field is missing): a missing field
makes the lookup `not_found` (the trace says which), unless `optional` names it, when its variable is set to null.
A caller never hears an empty balance because a service left a field out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import NodeContext
from callflow.flowlang.check.variables import RESOURCE_PREFIXES, known_variables
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.evaluation import render_value
from callflow.flowlang.expression_kinds import Assignments
from callflow.flowlang.jsonpath import FieldPaths, search
from callflow.flowlang.kinds import Choice, Ref, RefList, Seconds, Text
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.flowlang.template import TemplateError, parse_template
from callflow.runtime.context import CallContext
from callflow.runtime.trace import MASK

if TYPE_CHECKING:
    from callflow.runtime.data import LookupResult


@dataclass(frozen=True)
class Lookup:
    """Parameters of a lookup node: a `query` for SQLite sources, a `path` for HTTP sources."""

    source: str = param(Ref("source"), positional=True, help="The environment's data source.")
    query: str | None = param(Text(), default=None, help="SQL with `:name` parameters, for an SQLite source.")
    path: str | None = param(
        Text(), default=None, help="URL path under the HTTP source's base URL; may insert `{variable}`."
    )
    method: str = param(Choice(("get", "post", "put", "delete")), default="get", help="The HTTP method.")
    params: Mapping[str, str] | None = param(
        Assignments(), default=None, help="Named values for the query or request: `name = expression`."
    )
    save: tuple[str, ...] | None = param(
        RefList("variable"),
        default=None,
        help="Variables that take the answer's column or JSON field of their name (or the path `fields` gives).",
    )
    fields: Mapping[str, str] | None = param(
        FieldPaths(),
        default=None,
        help='Where in an HTTP source\'s JSON answer a `save` variable is: `owner = "holder.name"` (JMESPath).',
    )
    optional: tuple[str, ...] | None = param(
        RefList(), default=None, help="`save` variables that may be missing from the answer (then set to null)."
    )
    timeout_s: float = param(Seconds(0.1, 30), default=3, help="How long to wait before taking `timeout`.")


def check(ctx: NodeContext) -> list[Diagnostic]:
    """A lookup has a query or a path, not both; values reach SQL only through `params`."""
    params: Lookup = ctx.params
    problems = []
    if params.query is None and params.path is None:
        message = "a lookup needs `query` (for an SQLite source) or `path` (for an HTTP source)"
        problems.append(ctx.problem(codes.INVALID_VALUE, message))
    if params.query is not None and params.path is not None:
        message = "a lookup has `query` (for an SQLite source) or `path` (for an HTTP source), not both"
        problems.append(ctx.problem(codes.INVALID_VALUE, message, ctx.param_location("path")))
    if params.query is not None and "{" in params.query:
        message = (
            "`query` must not insert values with `{...}`, which would let callers inject SQL; "
            "write `:name` in the query and give `params name = expression`"
        )
        problems.append(ctx.problem(codes.INVALID_VALUE, message, ctx.param_location("query")))
    if params.path is not None:
        problems.extend(_path_problems(ctx, params.path))
    problems.extend(_kind_problems(ctx, params))
    problems.extend(_save_problems(ctx, params))
    return problems


def _kind_problems(ctx: NodeContext, params: Lookup) -> list[Diagnostic]:
    """An SQLite source is read with `query`, an HTTP source with `path` (when the environment defines it)."""
    environment = ctx.flow_context.environment
    source = environment.sources.get(params.source) if environment is not None else None
    if source is None:
        return []
    if source.kind == "sqlite" and params.path is not None:
        message = f"`{source.name}` is an SQLite source: look it up with `query`, not `path`"
        return [ctx.problem(codes.INVALID_VALUE, message, ctx.param_location("path"))]
    if source.kind == "http" and params.query is not None:
        message = f"`{source.name}` is an HTTP source: look it up with `path`, not `query`"
        return [ctx.problem(codes.INVALID_VALUE, message, ctx.param_location("query"))]
    return []


def _save_problems(ctx: NodeContext, params: Lookup) -> list[Diagnostic]:
    """`fields` and `optional` name variables that `save` stores; `fields` reads JSON (HTTP sources only)."""
    saved = set(params.save or ())
    problems = []
    if params.fields and params.query is not None:
        message = "`fields` finds values in an HTTP source's JSON answer; in SQL, name the column with `as`"
        problems.append(ctx.problem(codes.INVALID_VALUE, message, ctx.param_location("fields")))
    for word, names in (("fields", params.fields or {}), ("optional", params.optional or ())):
        problems.extend(
            ctx.problem(
                codes.INVALID_VALUE,
                f"`{word}` names `{name}`, which `save` does not store; add it to `save`",
                ctx.param_location(word),
            )
            for name in names
            if name not in saved
        )
    return problems


def _path_problems(ctx: NodeContext, path: str) -> list[Diagnostic]:
    where = ctx.param_location("path")
    try:
        template = parse_template(path)
    except TemplateError as error:
        return [ctx.problem(codes.INVALID_VALUE, f"`path`: {error.message}", where)]
    known = known_variables(ctx.flow_context)
    return [
        ctx.problem(
            codes.UNKNOWN_VARIABLE, f"`{ctx.node.id}` reads `{name}`, which is not declared; add `var {name}`", where
        )
        for name in sorted(template.variables)
        if name not in known and not name.startswith(RESOURCE_PREFIXES)
    ]


async def run(ctx: CallContext, params: Lookup) -> str:
    """Query the source with the values bound as parameters; store the found row's fields; the status is the exit
    (`not_found` when a field `save` needs is missing)."""
    from callflow.runtime.data import quote_value  # SQLite and HTTP libraries load for calls, not for `check`

    values = {name: ctx.evaluate(expression) for name, expression in (params.params or {}).items()}
    if params.query is not None:
        result = await ctx.data.query(params.source, params.query, values, params.timeout_s)
    else:
        path = parse_template(params.path or "").render(lambda name: quote_value(render_value(ctx.get(name))))
        result = await ctx.data.request(params.source, params.method, path, values, params.timeout_s, ctx.clock)
    saved: dict[str, Any] = {}
    status, fields = result.status, _outcome(result)
    if status == "found" and result.row is not None:
        saved, missing = _read(result.row, params)
        if missing:
            status = "not_found"
            fields.update(missing=missing, detail=f"the answer has no {_listed(missing, params.fields or {})}")
    given = params.params or {}
    shown = {k: MASK if ctx.reads_secret(given[k]) else v for k, v in values.items()}
    ctx.values_event("lookup", source=params.source, result=status, params=shown, **fields, **_headers(ctx, params))
    ctx.set("lookup.status", status, quiet=True)
    if status == "found":
        for name, value in saved.items():
            ctx.set(name, value)
    return status


def _read(row: Mapping[str, Any], params: Lookup) -> tuple[dict[str, Any], list[str]]:
    """The value of each `save` variable in the answer, and the variables whose field is missing (absent or null)
    and not optional."""
    paths, optional = params.fields or {}, set(params.optional or ())
    saved: dict[str, Any] = {}
    missing = []
    for name in params.save or ():
        value = search(paths[name], row) if name in paths else row.get(name)
        if value is None and name not in optional:
            missing.append(name)
        saved[name] = value
    return saved, missing


def _listed(missing: list[str], paths: Mapping[str, str]) -> str:
    """The missing fields as a message names them: `balance`, `holder.name` (for `owner`)."""
    return ", ".join(f"`{paths[name]}` (for `{name}`)" if name in paths else f"`{name}`" for name in missing)


def _outcome(result: LookupResult) -> dict[str, Any]:
    """The trace's fields for how the source answered: why it failed, and an HTTP answer's status."""
    fields: dict[str, Any] = {"detail": result.detail} if result.detail else {}
    if result.http_status is not None:
        fields["http_status"] = result.http_status
    return fields


def _headers(ctx: CallContext, params: Lookup) -> dict[str, Any]:
    """The names of the headers an HTTP source sent, their values masked (they are the environment's secrets)."""
    source = ctx.environment.sources.get(params.source)
    if params.path is None or source is None or not source.headers:
        return {}
    return {"headers": dict.fromkeys(source.headers, MASK)}


NODE = NodeType(
    keyword="lookup",
    params=Lookup,
    exits=(
        Exit("found", help="The source returned a result with every field `save` needs; `save` variables hold it."),
        Exit("not_found", help="The source returned nothing, or an answer missing a field `save` needs."),
        Exit("error", required=False, help="The source failed."),
        Exit("timeout", required=False, otherwise="error", help="The source took longer than `timeout`."),
    ),
    provides=("lookup.status",),
    check=check,
    designer=Designer(label="Look up", category="Data", icon="database", description=__doc__ or ""),
    run=run,
)
