"""Secret checks: a secret variable is never said to the caller, and never put where logs keep it (a URL)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import FlowContext
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.errors import FlowError
from callflow.flowlang.expression import parse_expression, variables
from callflow.flowlang.model import Node
from callflow.flowlang.template import parse_template

QUERY_METHODS = ("get", "delete")
"""HTTP methods whose `params` are sent in the URL's query rather than in a JSON body."""


def check_secrets(ctx: FlowContext) -> Iterator[Diagnostic]:
    """Secret variables said in a prompt (the caller would hear `***`), or sent in an HTTP lookup's URL."""
    secrets = {v.name for v in ctx.flow.variables if v.secret}
    if not secrets:
        return
    for prompt in ctx.flow.prompts:
        said: dict[str, list[str]] = {}
        for language, text in prompt.text.items():
            for name in sorted(_template_variables(text) & secrets):
                said.setdefault(name, []).append(language)
        for name, languages in said.items():
            message = (
                f"prompt `{prompt.id}` ({', '.join(languages)}) says the secret variable `{name}`: the caller would "
                f"hear `***`; say something that is not secret (the last digits kept in another variable), or "
                f"leave `{name}` out"
            )
            yield ctx.problem(codes.SECRET_IN_PROMPT, message, prompt.location)
    for node in ctx.flow.nodes:
        if node.type == "lookup" and isinstance(node.params.get("path"), str):
            yield from _url_secrets(ctx, node, secrets)


def _url_secrets(ctx: FlowContext, node: Node, secrets: set[str]) -> Iterator[Diagnostic]:
    """An HTTP lookup (one with a `path`) that puts a secret into its path, or into its query through `params`."""
    path = str(node.params["path"])
    for name in sorted(_template_variables(path) & secrets):
        message = (
            f"`{node.id}` puts the secret variable `{name}` into its URL's path, which the service's access logs "
            f"keep; send it in `params` of a `post` (a JSON body) instead"
        )
        yield ctx.problem(codes.SECRET_IN_URL, message, node.param_locations.get("path", node.location))
    method = str(node.params.get("method", "get"))
    given = node.params.get("params")
    if method not in QUERY_METHODS or not isinstance(given, Mapping):
        return
    for param, expression in given.items():
        for name in sorted(_expression_variables(str(expression)) & secrets):
            message = (
                f"`{node.id}` sends the secret variable `{name}` as `{param}` in the query string of a `{method}`, "
                f"which the service's access logs keep; use `method post`, whose params go in a JSON body"
            )
            yield ctx.problem(codes.SECRET_IN_URL, message, node.param_locations.get("params", node.location))


def _template_variables(text: str) -> frozenset[str]:
    try:
        return parse_template(text).variables
    except FlowError:
        return frozenset()  # reported by the variable checks


def _expression_variables(text: str) -> frozenset[str]:
    try:
        return frozenset(variables(parse_expression(text)))
    except FlowError:
        return frozenset()  # reported by the parameter checks
