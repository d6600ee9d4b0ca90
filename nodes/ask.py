"""ask: play a question and take the caller's spoken answer, recognised offline, with retries."""

from __future__ import annotations

from dataclasses import dataclass

from callflow.flowlang.kinds import Integer, Ref, Seconds, TextList
from callflow.flowlang.nodetype import Designer, Exit, NodeType, param


@dataclass(frozen=True)
class Ask:
    """Parameters of an ask node."""

    prompt: str = param(Ref("prompt"), positional=True, help="The question.")
    into: str = param(Ref("variable"), help="The variable that receives the recognised text.")
    expect: tuple[str, ...] | None = param(
        TextList(), default=None, help="The phrases the recogniser listens for; any speech when not given."
    )
    timeout_s: float = param(Seconds(1, 60), default=5, help="How long to wait for the caller to start speaking.")
    max_speech_s: float = param(Seconds(1, 60), default=10, help="The longest answer listened to.")
    no_input: str | None = param(Ref("prompt"), default=None, help="Played when the caller says nothing.")
    max_no_input: int = param(Integer(1, 10), default=3, help="Silences allowed before `failed`.")
    no_match: str | None = param(Ref("prompt"), default=None, help="Played when the answer is not understood.")
    max_no_match: int = param(Integer(1, 10), default=3, help="Answers not understood allowed before `failed`.")
    min_confidence: int = param(
        Integer(0, 100), default=50, help="Percent: answers recognised with less confidence count as not understood."
    )


NODE = NodeType(
    keyword="ask",
    params=Ask,
    exits=(
        Exit("done", help="The answer is stored in `into`."),
        Exit("failed", help="Too many silences or answers not understood."),
        Exit("error", required=False),
    ),
    listens=True,
    provides=("ask.text", "ask.confidence"),
    designer=Designer(label="Ask", category="Input", icon="mic", description=__doc__ or ""),
)
