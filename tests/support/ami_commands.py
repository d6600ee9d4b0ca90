"""The AGI commands the AMI test server runs, and what each replied in the recordings (README facts 24, 26, 31).

A command is looked up by its first words, case-insensitively (`stream file beep ""` works like upper case). One
whose first word starts no AGI command of Asterisk's (`FOO BAR`) gets `510`; `STREAM FILE` and `WAIT FOR DIGIT`
without arguments get their recorded `520` usage text. Anything else the recordings do not show (an AGI command that
was not recorded, other arguments) is listed as unrecorded and stops the call. The playback, recording, Queue and
VoiceMail commands are in their own modules.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ami_queue_line as queue_line
import ami_timeout
from ami_channels import STATE_DESC
from ami_dialplan import QUEUES
from ami_usage import usage_reply

from callflow.runtime.asterisk.protocol import Message

if TYPE_CHECKING:
    from ami_call import Call


@dataclass(frozen=True)
class Reply:
    """What a command answers: the reply line, AGIExecEnd's `ResultCode`/`Result`, events raised right after its
    AsyncAGIExec, and what the call does next (`continue`, `hangup` after HANGUP, `break` after ASYNCAGI BREAK,
    `failure` after a failing command)."""

    line: str
    code: str = "200"
    word: str = "Success"
    then: str = "continue"
    after: tuple[Message, ...] = ()


Handler = Callable[["Call", list[str], float], Awaitable[Reply | None]]
# The first words of Asterisk's AGI commands (res_agi): a command starting with anything else is `510`.
AGI_FIRST_WORDS = frozenset((
    "ANSWER", "ASYNCAGI", "CHANNEL", "CONTROL", "DATABASE", "EXEC", "GET", "GOSUB", "HANGUP", "NOOP", "RECEIVE",
    "RECORD", "SAY", "SEND", "SET", "SPEECH", "STREAM", "TDD", "VERBOSE", "WAIT",
))  # fmt: skip
HANDLERS: dict[str, Handler] = {}


def command(name: str) -> Callable[[Handler], Handler]:
    """Register the handler of the AGI command `name` (its words, upper case)."""

    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register


async def dispatch(call: Call, text: str, started: float) -> Reply | None:
    """Run one AGI command; None when the recordings do not show it (it is then listed and the call stops)."""
    try:
        words = shlex.split(text)
    except ValueError:  # an unbalanced quote: what Asterisk answers was not recorded
        words = []
    upper = [w.upper() for w in words]
    if words and upper[0] not in AGI_FIRST_WORDS:
        return Reply("510 Invalid or unknown command", "510", "Invalid or unknown command")
    for length in (3, 2, 1):
        handler = HANDLERS.get(" ".join(upper[:length]))
        if handler is not None and len(words) >= length:
            return await handler(call, words[length:], started)
    call.pbx.refuse(text)
    return None


def refuse(call: Call) -> Reply | None:
    """The running command, with these arguments, is not in the recordings: no reply (the call stops)."""
    call.pbx.refuse(call.running.text if call.running is not None else "?")
    return None


def usage(name: str) -> Reply:
    """The recorded 520 reply of `name`."""
    return Reply(usage_reply(name).removesuffix("\n"), "520", "Usage")


@command("ANSWER")
async def answer(call: Call, args: list[str], started: float) -> Reply | None:
    if args or call.answered:
        return refuse(call)
    return Reply(await call.answer(started))


@command("NOOP")
async def noop(call: Call, args: list[str], started: float) -> Reply | None:
    return Reply("200 result=0")


@command("HANGUP")
async def hangup(call: Call, args: list[str], started: float) -> Reply | None:
    if args:
        return refuse(call)
    call.emit(call.two.event("SoftHangupRequest", "call", ("Cause", "32")))
    return Reply("200 result=1", then="hangup")


@command("ASYNCAGI BREAK")
async def asyncagi_break(call: Call, args: list[str], started: float) -> Reply | None:
    return refuse(call) if args else Reply("200 result=0", then="break")


@command("SET VARIABLE")
async def set_variable(call: Call, args: list[str], started: float) -> Reply | None:
    if len(args) != 2:
        return refuse(call)
    if args[0] == "TIMEOUT(absolute)":  # no VarSet (timeout-absolute.txt)
        if not args[1].isdigit():
            return refuse(call)
        ami_timeout.arm(call, int(args[1]), started)
        return Reply("200 result=1")
    call.emit(call.two.var(args[0], args[1]))
    return Reply("200 result=1")


@command("GET VARIABLE")
async def get_variable(call: Call, args: list[str], started: float) -> Reply | None:
    if len(args) != 1:
        return refuse(call)
    value = call.two.variables.get(args[0])
    return Reply("200 result=0" if value is None else f"200 result=1 ({value})")


@command("GET FULL VARIABLE")
async def get_full_variable(call: Call, args: list[str], started: float) -> Reply | None:
    if len(args) != 1:
        return refuse(call)
    functions = {"CALLERID(num)": call.caller_id[0], "CHANNEL(state)": STATE_DESC[call.two.state]}
    for queue in QUEUES:  # queue-position.txt
        functions[f"QUEUE_WAITING_COUNT({queue})"] = str(queue_line.waiting_count(call.pbx, queue))
    names = re.findall(r"\$\{([^}]*)\}", args[0])
    if any("(" in name and name not in functions for name in names):
        return refuse(call)
    value = re.sub(r"\$\{([^}]*)\}", lambda m: functions.get(m[1], call.two.variables.get(m[1], "")), args[0])
    return Reply(f"200 result=1 ({value})")


@command("CHANNEL STATUS")
async def channel_status(call: Call, args: list[str], started: float) -> Reply | None:
    return refuse(call) if args or call.two.state != 6 else Reply("200 result=6")


@command("DATABASE PUT")
async def database_put(call: Call, args: list[str], started: float) -> Reply | None:
    if len(args) != 3:
        return refuse(call)
    call.pbx.database[args[0], args[1]] = args[2]
    return Reply("200 result=1")


@command("DATABASE GET")
async def database_get(call: Call, args: list[str], started: float) -> Reply | None:
    if len(args) != 2:
        return refuse(call)
    value = call.pbx.database.get((args[0], args[1]))
    return Reply("200 result=0" if value is None else f"200 result=1 ({value})")


@command("VERBOSE")
async def verbose(call: Call, args: list[str], started: float) -> Reply | None:
    return Reply("200 result=1") if len(args) == 2 else refuse(call)


APPLICATIONS: dict[str, Handler] = {}


def application(name: str) -> Callable[[Handler], Handler]:
    """Register what `EXEC <name> <options>` does (the handler gets the options as its one argument)."""

    def register(handler: Handler) -> Handler:
        APPLICATIONS[name.lower()] = handler
        return handler

    return register


@command("EXEC")
async def execute(call: Call, args: list[str], started: float) -> Reply | None:
    if not args or len(args) > 2:
        return refuse(call)
    if args[0] == "NoSuchApp":  # the one unknown application recorded
        return Reply("200 result=-2", word="Unknown Result")
    handler = APPLICATIONS.get(args[0].lower())
    if handler is None:
        return refuse(call)
    saved = call.two.application
    call.two.application = (args[0], args[1] if len(args) > 1 else "")  # what CoreShowChannels shows meanwhile
    try:
        return await handler(call, args[1:], started)
    finally:
        call.two.application = saved


# The command families in their own modules register themselves here.
import ami_dial  # noqa: E402, F401
import ami_playback  # noqa: E402, F401
import ami_queue  # noqa: E402, F401
import ami_record  # noqa: E402, F401
import ami_voicemail  # noqa: E402, F401
