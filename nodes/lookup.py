"""lookup: read or write a data source (an SQLite query or an HTTP request) and store what it returns."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import NodeContext
from callflow.flowlang.check.variables import RESOURCE_PREFIXES, known_variables
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.evaluation import render_value
from callflow.flowlang.expression_kinds import Assignments
from callflow.flowlang.kinds import Choice, Ref, RefList, Seconds, Text
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param
from callflow.flowlang.template import TemplateError, parse_template
from callflow.runtime.context import CallContext
from callflow.runtime.trace import MASK


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
        RefList("variable"), default=None, help="Result columns or JSON fields stored in variables of that name."
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
    """Query the source with the values bound as parameters; store the found row's fields; the status is the exit."""
    from callflow.runtime.data import quote_value  # SQLite and HTTP libraries load for calls, not for `check`

    values = {name: ctx.evaluate(expression) for name, expression in (params.params or {}).items()}
    if params.query is not None:
        result = await ctx.data.query(params.source, params.query, values, params.timeout_s)
    else:
        path = parse_template(params.path or "").render(lambda name: quote_value(render_value(ctx.get(name))))
        result = await ctx.data.request(params.source, params.method, path, values, params.timeout_s)
    given = params.params or {}
    shown = {k: MASK if ctx.reads_secret(given[k]) else v for k, v in values.items()}
    ctx.values_event("lookup", source=params.source, result=result.status, params=shown, **_detail(result.detail))
    ctx.set("lookup.status", result.status, quiet=True)
    if result.status == "found" and result.row is not None:
        for name in params.save or ():
            ctx.set(name, result.row.get(name))
    return result.status


def _detail(detail: str) -> dict[str, str]:
    return {"detail": detail} if detail else {}


NODE = NodeType(
    keyword="lookup",
    params=Lookup,
    exits=(
        Exit("found", help="The source returned a result; `save` variables hold it."),
        Exit("not_found", help="The source returned nothing."),
        Exit("error", required=False, help="The source failed."),
        Exit("timeout", required=False, otherwise="error", help="The source took longer than `timeout`."),
    ),
    provides=("lookup.status",),
    check=check,
    designer=Designer(label="Look up", category="Data", icon="database", description=__doc__ or ""),
    run=run,
)
