"""menu: play a prompt and let the caller choose by key (or by voice), with retries for silence and mistakes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from callflow.flowlang import diagnostics as codes
from callflow.flowlang.check.context import NodeContext
from callflow.flowlang.check.resources import environment_name
from callflow.flowlang.diagnostics import Diagnostic
from callflow.flowlang.kinds import Flag, Integer, Key, Ref, Seconds, TextList, format_seconds
from callflow.flowlang.model import GlobalKey
from callflow.flowlang.nodetype import Designer, Exit, ExitFamily, NodeType, param
from callflow.runtime.context import CallContext, Frame
from callflow.runtime.keypad import Choices, read_choice
from callflow.runtime.signals import Goto
from callflow.speech.model import languages_without_model


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
    """A menu offers keys; none is the start of another; spoken words belong to offered keys; a speech menu has a
    recognition model for each of the flow's languages."""
    problems = []
    keys = ctx.family_values("key")
    if not keys:
        message = f"menu `{ctx.node.id}` offers no keys; add `key 1 -> node_id`"
        problems.append(ctx.problem(codes.UNWIRED_EXIT, message))
    params: Menu = ctx.params
    for key in keys if params.terminator is None else ():  # a terminator lets callers end a short key at once
        longer = sorted(k for k in keys if k != key and k.startswith(key))
        if longer:
            wait = format_seconds(params.inter_digit_timeout_s)
            message = (
                f"key {key} is the start of key {longer[0]}, so after {key} the menu waits {wait} (its "
                f'`inter_digit_timeout`) for another key before taking {key}; add `terminator "#"` (and ask callers '
                f"to press # after {key}) to take it at once"
            )
            problems.append(ctx.problem(codes.KEY_PREFIX, message, ctx.exit_location(f"key {key}")))
    targets = {e.exit: e.target for e in ctx.edges}
    for global_key in ctx.flow.global_keys:
        label = f"key {global_key.key}"
        same = global_key.action == "goto" and targets.get(label) == global_key.target
        if global_key.key in keys and not same:
            message = f"key {global_key.key} of `{ctx.node.id}` is also a global key, which does not work in this menu"
            problems.append(ctx.problem(codes.SHADOWED_GLOBAL_KEY, message, ctx.exit_location(label)))
    for key in params.words:
        if key not in keys:
            message = f"`words {key}`: the menu offers no key {key}"
            problems.append(ctx.problem(codes.INVALID_VALUE, message, ctx.param_location("words")))
    if params.words and not params.speech:
        message = "`words` are given but `speech` is off; add `speech yes`"
        problems.append(ctx.problem(codes.INVALID_VALUE, message, ctx.param_location("words")))
    environment = ctx.flow_context.environment
    if params.speech and environment is not None:  # without an environment, W402 says resources are unchecked
        missing = ctx.flow_context.memo(
            "speech.missing_models", lambda: languages_without_model(environment, ctx.flow.languages)
        )
        if missing:
            message = (
                f"`{ctx.node.id}` listens for speech, but no recognition model is set for {', '.join(missing)}; "
                f"add it under [speech.models] in {environment_name(ctx.flow_context)}; callers can still press keys"
            )
            problems.append(ctx.problem(codes.NO_SPEECH_MODEL, message, ctx.param_location("speech")))
    return problems


GlobalKeys = Mapping[str, tuple[GlobalKey, Frame | None]]
"""The global keys that work in a menu, each with the frame of the flow that declares it (None: the menu's own)."""


@dataclass(frozen=True)
class _Keys:
    """A menu's keys, worked out once per node: the offered ones (with their exits), the flow's global keys that
    work in it, and all the choices a caller may type."""

    exits: Mapping[str, str]
    global_keys: GlobalKeys
    choices: Choices


def _keys(ctx: CallContext, params: Menu) -> _Keys:
    keys = ctx.family_values("key")
    global_keys = {g.key: (g, None) for g in ctx.flow.global_keys if g.key not in keys}
    return _Keys({key: f"key {key}" for key in keys}, global_keys, Choices([*keys, *global_keys]))


def _with_callers(ctx: CallContext, own: _Keys) -> _Keys:
    """A subflow's menu also takes the global keys of the flows that called it; a key the menu offers, or one its
    own flow declares, wins over theirs (and a nearer caller's over a farther one's)."""
    global_keys: dict[str, tuple[GlobalKey, Frame | None]] = dict(own.global_keys)
    for frame in ctx.frame.chain():
        if frame is ctx.frame:
            continue
        for key in frame.flow.global_keys:
            if key.key not in own.exits and key.key not in global_keys:
                global_keys[key.key] = (key, frame)
    if len(global_keys) == len(own.global_keys):
        return own
    return _Keys(own.exits, global_keys, Choices([*own.exits, *global_keys]))


async def run(ctx: CallContext, params: Menu) -> str:
    """Ask until the caller chooses an offered key (or says its words), with separate counts for silence and
    wrong keys; global keys repeat, go back or go elsewhere."""
    prepared = ctx.prepared(_keys, params)
    if ctx.frame.caller is not None:
        prepared = _with_callers(ctx, prepared)
    keys, global_keys = prepared.exits, prepared.global_keys
    ctx.call.menus.append((ctx.frame, ctx.node.id))
    no_input = no_match = attempts = 0
    status = "no_input"
    prompt = params.prompt
    while True:
        attempts += 1
        ctx.set("menu.attempts", attempts, quiet=True)
        await ctx.say(prompt, barge_in=params.barge_in)
        choice = await _choice(ctx, params, prepared)
        ctx.set("menu.digits", choice or "", quiet=True)
        if choice is not None and choice in keys:
            ctx.set("menu.status", "match", quiet=True)
            return keys[choice]
        if choice is not None and choice in global_keys:
            global_key, owner = global_keys[choice]
            goto = _global(ctx, global_key, owner)
            if goto is not None:
                raise goto
            continue  # repeat: the menu again, not counted as a mistake
        if choice is None:
            no_input += 1
            status, limit, sorry = "no_input", params.max_no_input, params.no_input
            reached = no_input >= limit
        else:
            no_match += 1
            status, limit, sorry = "no_match", params.max_no_match, params.no_match
            reached = no_match >= limit
        ctx.set("menu.status", status, quiet=True)
        if reached:
            ctx.event("menu_failed", reason=status)
            return "failed"
        ctx.event("menu_retry", reason=status)
        ctx.channel.flush_keys()
        if sorry is not None:
            await ctx.say(sorry, barge_in=params.barge_in)
        last = no_input == params.max_no_input - 1 or no_match == params.max_no_match - 1
        prompt = (params.final_prompt if last else None) or params.retry_prompt or params.prompt


async def _choice(ctx: CallContext, params: Menu, prepared: _Keys) -> str | None:
    """The caller's choice: the words said in a speech menu, or keys; None on silence.

    A key ends listening for words at once (a key typed during the prompt means no listening at all), and is read
    as in a keypad menu, with early match; the caller's next words are left for what comes next."""
    if params.speech and params.words and not ctx.channel.typed_ahead():
        spoken = await _spoken(ctx, params, prepared.exits)
        if spoken is not None or not ctx.channel.typed_ahead():
            return spoken  # words, or silence: listening took keys too
    return await read_choice(
        ctx,
        prepared.choices,
        timeout_s=params.timeout_s,
        inter_digit_timeout_s=params.inter_digit_timeout_s,
        terminator=params.terminator,
    )


async def _spoken(ctx: CallContext, params: Menu, keys: Mapping[str, str]) -> str | None:
    """The key whose words the caller said ("?" for words of no key), or None on silence or a key pressed."""
    phrases = tuple(p for key in keys for p in params.words.get(key, ()))
    heard = await ctx.channel.listen(phrases, ctx.language, params.timeout_s, 10)
    if heard is None:
        return None
    said = heard.text.strip().lower()
    return next((k for k in keys if said in (p.lower() for p in params.words.get(k, ()))), "?")


def _global(ctx: CallContext, key: GlobalKey, owner: Frame | None) -> Goto | None:
    """Where a global key goes (a node of the flow that declares it, or the menu before this one in a flow still
    running); None to repeat this menu."""
    ctx.event("global_key", action=key.action, to=key.target)
    if key.action == "goto" and key.target is not None:
        return Goto(key.target, owner)
    if key.action == "back":
        menus, running = ctx.call.menus, list(ctx.frame.chain())
        while menus and menus[-1][0] is ctx.frame and menus[-1][1] == ctx.node.id:
            menus.pop()
        while menus:
            frame, node_id = menus.pop()
            if any(frame is f for f in running):  # a menu of a subflow that has returned is no place to go back to
                return Goto(node_id, frame)
    return None


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
    run=run,
)
