"""Prompt checks: every prompt used exists and speaks every declared language; none is left unused."""

from __future__ import annotations

from collections.abc import Iterator

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import FlowContext
from callflow.flowlang.diagnostics import Diagnostic


def check_prompts(ctx: FlowContext) -> Iterator[Diagnostic]:
    """Unknown and unused prompts, missing and undeclared languages."""
    flow = ctx.flow
    declared = {p.id for p in flow.prompts}
    used: set[str] = set()
    for ref in ctx.references:
        if ref.kind != "prompt":
            continue
        used.add(ref.name)
        if ref.name not in declared:
            message = f"`{ref.node.id}` plays prompt `{ref.name}`, which is not declared; add `prompt {ref.name}`"
            yield ctx.problem(codes.UNKNOWN_PROMPT, message, ref.location)
    languages = set(flow.languages)
    if flow.default_language is not None and flow.default_language not in languages:
        message = f"default language `{flow.default_language}` is not in `languages`"
        yield ctx.problem(codes.UNKNOWN_LANGUAGE, message, flow.location)
    for prompt in flow.prompts:
        given = set(prompt.text) | set(prompt.file)
        for language in sorted(given - languages - {"*"}):
            message = f"prompt `{prompt.id}` has `{language}`, which the flow does not declare in `languages`"
            yield ctx.problem(codes.UNKNOWN_LANGUAGE, message, prompt.location)
        if "*" not in prompt.file:
            for language in [lang for lang in flow.languages if lang not in given]:
                message = f"prompt `{prompt.id}` has no `{language}` text or file"
                yield ctx.problem(codes.MISSING_LANGUAGE, message, prompt.location)
        if prompt.id not in used:
            yield ctx.problem(codes.UNUSED_PROMPT, f"prompt `{prompt.id}` is never played", prompt.location)
