"""Reading keys the way the best IVR platforms do: barge-in, type-ahead, early match, inter-digit timeouts."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from callflow.runtime.context import CallContext


class Choices(frozenset[str]):
    """The key sequences a caller may choose from, knowing which typed keys are the start of a longer one."""

    prefixes: frozenset[str]
    """Every start of a choice shorter than the choice itself."""

    def __new__(cls, choices: Iterable[str]) -> Choices:
        self = super().__new__(cls, choices)
        self.prefixes = frozenset(choice[:length] for choice in self for length in range(len(choice)))
        return self


async def read_choice(
    ctx: CallContext,
    choices: Collection[str],
    *,
    timeout_s: float,
    inter_digit_timeout_s: float,
    terminator: str | None,
) -> str | None:
    """The keys of one choice, or None when the caller pressed nothing.

    A choice is complete as soon as it matches and no longer choice starts with it (early match), when no choice
    can start with it any more, when the terminator is pressed, or after the inter-digit timeout.
    """
    prefixes = (choices if isinstance(choices, Choices) else Choices(choices)).prefixes
    first = await ctx.channel.read_key(timeout_s)
    if first is None:
        return None
    digits = first
    while True:
        if terminator and digits.endswith(terminator) and digits != terminator:
            return digits[: -len(terminator)]
        if digits not in prefixes:  # no longer choice starts with the keys typed
            return digits
        key = await ctx.channel.read_key(inter_digit_timeout_s)
        if key is None:
            return digits
        digits += key


async def read_digits(
    ctx: CallContext,
    *,
    max_digits: int,
    timeout_s: float,
    inter_digit_timeout_s: float,
    terminator: str | None,
) -> str | None:
    """Up to `max_digits` digits, ended early by the terminator or the inter-digit timeout; None on silence."""
    key = await ctx.channel.read_key(timeout_s)
    if key is None:
        return None
    digits = ""
    while key is not None:
        if terminator and key == terminator:
            return digits
        digits += key
        if len(digits) >= max_digits:
            if terminator:
                ctx.channel.take_key(terminator)
            return digits
        key = await ctx.channel.read_key(inter_digit_timeout_s)
    return digits
