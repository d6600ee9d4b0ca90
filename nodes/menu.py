"""menu: play a prompt and let the caller choose by key (or by voice), with retries for silence and mistakes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import NodeContext
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.kinds import Flag, Integer, Key, Ref, Seconds, TextList
from callflow.flowlang.nodetype import Designer, Exit, ExitFamily, NodeType, param


@dataclass(frozen=True)
class Menu:
    """Parameters of a menu node."""

    prompt: str = param(Ref("prompt"), positional=True, help="The menu prompt, played on the first attempt.")
    retry_prompt: str | None = param(Ref("prompt"), default=None, word="retry", help="Played on later attempts.")
    final_prompt: str | None = param(Ref("prompt"), default=None, word="final", help="Played on the last attempt.")
    no_input: str | None = param(Ref("prompt"), default=None, help="Played when the caller presses nothing.")
    max_no_input: int = param(Integer(1, 10), default=3, help="Silences allowed before `failed`.")
    no_match: str | None = param(Ref("prompt"), default=None, help="Played when the key is not offered.")
    max_no_match: int = param(Integer(1, 10), default=3, help="Wrong keys allowed before `failed`.")
    timeout_s: float = param(Seconds(1, 60), default=5, help="How long to wait for the first key.")
    inter_digit_timeout_s: float = param(Seconds(0.5, 30), default=3, help="Wait between keys of a longer choice.")
    terminator: str | None = param(Key(), default=None, help="A key that ends a longer choice early.")
    barge_in: bool = param(Flag(), default=True, help="Whether a key press interrupts the prompt.")
    speech: bool = param(Flag(), default=False, help="Whether callers may also say their choice.")
    words: Mapping[str, tuple[str, ...]] = param(
        TextList(), default={}, keyed=Key(), help="Phrases a caller may say for each key, in any language."
    )


def check(ctx: NodeContext) -> list[Diagnostic]:
    """A menu offers keys; none is the start of another; spoken words belong to offered keys."""
    problems = []
    keys = ctx.family_values("key")
    if not keys:
        message = f"menu `{ctx.node.id}` offers no keys; add `key 1 -> node_id`"
        problems.append(ctx.problem(codes.UNWIRED_EXIT, message))
    for key in keys:
        longer = sorted(k for k in keys if k != key and k.startswith(key))
        if longer:
            message = f"key {key} is the start of key {longer[0]}, so the menu waits for more keys after {key}"
            problems.append(ctx.problem(codes.KEY_PREFIX, message, ctx.exit_location(f"key {key}")))
    params: Menu = ctx.params
    for key in params.words:
        if key not in keys:
            message = f"`words {key}`: the menu offers no key {key}"
            problems.append(ctx.problem(codes.INVALID_VALUE, message, ctx.param_location("words")))
    if params.words and not params.speech:
        message = "`words` are given but `speech` is off; add `speech yes`"
        problems.append(ctx.problem(codes.INVALID_VALUE, message, ctx.param_location("words")))
    return problems


NODE = NodeType(
    keyword="menu",
    params=Menu,
    exits=(
        Exit("failed", help="Too many silences or wrong keys."),
        Exit("error", required=False),
    ),
    families=(ExitFamily("key", Key(), help="Where each key leads."),),
    listens=True,
    provides=("menu.digits", "menu.attempts", "menu.status"),
    check=check,
    designer=Designer(label="Menu", category="Input", icon="grid-3x3", description=__doc__ or ""),
)
