"""Variable checks: every variable an expression, a prompt or a parameter uses is declared or built in."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import FlowContext
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.errors import FlowError, Location
from callflow.flowlang.expression import parse_expression, variables
from callflow.flowlang.expression_kinds import Assignments, Expression
from callflow.flowlang.formats import language_problem
from callflow.flowlang.strings import written_offset
from callflow.flowlang.template import TemplateError, parse_template

_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"?')

CALL_VARIABLES = ("caller", "called", "language", "call.id", "call.start", "call.flow")
"""Variables every call has."""

RESOURCE_PREFIXES = ("switch.",)
"""Names checked against the environment rather than the flow's variables."""


@dataclass(frozen=True)
class Use:
    """A variable read somewhere in the flow."""

    name: str
    where: str
    location: Location


def known_variables(ctx: FlowContext) -> set[str]:
    """Declared variables, subflow inputs, call variables and those node types provide."""
    known: set[str] = ctx.memo("known_variables", lambda: _known_variables(ctx))
    return known


def _known_variables(ctx: FlowContext) -> set[str]:
    names = {v.name for v in ctx.flow.variables} | set(ctx.flow.inputs) | set(CALL_VARIABLES)
    for node_type in ctx.registry.values():
        names.update(node_type.provides)
    return names


def variable_uses(ctx: FlowContext) -> list[Use]:
    """Every variable read by an expression, an exit condition or a prompt text."""
    uses: list[Use] = ctx.memo("variable_uses", lambda: list(_variable_uses(ctx)))
    return uses


def _variable_uses(ctx: FlowContext) -> Iterator[Use]:
    for node in ctx.flow.nodes:
        node_type = ctx.node_type(node)
        if node_type is None:
            continue
        for spec in node_type.specs:
            value = node.params.get(spec.name)
            if value is None:
                continue
            where = node.param_locations.get(spec.name, node.location)
            texts = list(value.values()) if isinstance(spec.kind, Assignments) else [value]
            if isinstance(spec.kind, Expression | Assignments):
                for text in texts:
                    yield from _expression_uses(text, f"`{node.id}`", where)
    for edge in ctx.flow.edges:
        source = ctx.flow.node(edge.source)
        node_type = ctx.node_type(source) if source else None
        family = node_type.family(edge.exit) if node_type else None
        if family is not None and isinstance(family.kind, Expression):
            yield from _expression_uses(str(family.value(edge.exit)), f"`{edge.source}`", edge.location)
    for prompt in ctx.flow.prompts:
        for language, text in prompt.text.items():
            try:
                template = parse_template(text)
            except FlowError:
                continue
            for name in template.variables:
                yield Use(name, f"prompt `{prompt.id}` ({language})", prompt.location)


def _expression_uses(text: str, where: str, location: Location) -> Iterator[Use]:
    try:
        expression = parse_expression(text)
    except FlowError:
        return
    for name in sorted(variables(expression)):
        yield Use(name, where, location)


def check_variables(ctx: FlowContext) -> Iterator[Diagnostic]:
    """Undeclared variables, and prompt texts whose `{...}` does not parse."""
    known = known_variables(ctx)
    for use in variable_uses(ctx):
        if use.name.startswith(RESOURCE_PREFIXES) or use.name in known:
            continue
        message = f"{use.where} reads `{use.name}`, which is not declared; {_remedy(use.name, known)}"
        yield ctx.problem(codes.UNKNOWN_VARIABLE, message, use.location)
    for output in ctx.flow.outputs:
        if output not in known:
            message = f"output `{output}` is not a declared variable or input; {_remedy(output, known)}"
            yield ctx.problem(codes.UNKNOWN_VARIABLE, message, ctx.flow.location)
    for ref in ctx.references:
        if ref.kind == "variable" and ref.name not in known:
            message = f"`{ref.node.id}` stores into `{ref.name}`, which is not declared; {_remedy(ref.name, known)}"
            yield ctx.problem(codes.UNKNOWN_VARIABLE, message, ref.location)
    yield from check_prompt_texts(ctx)


def _remedy(name: str, known: set[str]) -> str:
    """What to do about an undeclared variable: the declared one it is most likely a typo of, else declare it."""
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.85)  # `round` for `rounds`, not `tries`
    return f"did you mean `{close[0]}`?" if close else f"add `var {name}`"


def check_prompt_texts(ctx: FlowContext) -> Iterator[Diagnostic]:
    """Prompt texts whose `{...}` does not parse or names a format that is unknown, wrongly given or cannot be
    said in the text's language; each at the place in the text."""
    for prompt in ctx.flow.prompts:
        for language, text in prompt.text.items():
            where = prompt.text_locations.get(language, prompt.location)
            try:
                template = parse_template(text)
            except TemplateError as error:
                message = f"prompt `{prompt.id}` ({language}): {error.message}"
                yield ctx.problem(codes.INVALID_VALUE, message, _in_text(ctx, where, error.offset))
                continue
            for placeholder in template.placeholders:
                problem = language_problem(placeholder.format, language) if placeholder.format else None
                if problem is not None:
                    at = _in_text(ctx, where, placeholder.format_offset)
                    yield ctx.problem(codes.INVALID_VALUE, f"prompt `{prompt.id}` ({language}): {problem}", at)


def _in_text(ctx: FlowContext, text_location: Location, offset: int) -> Location:
    """Where the character at `offset` of a prompt's text is written (its opening quote at `text_location`)."""
    line = ctx.source_line(text_location)
    if line is None or text_location.column is None:
        return text_location
    quoted = _QUOTED.match(line, text_location.column - 1)
    return text_location.shifted(written_offset(quoted[0], offset)) if quoted else text_location
