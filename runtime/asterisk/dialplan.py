"""What Asterisk needs to hand calls to Callflow: the dialplan, the manager user, the queues.

`callflow asterisk-config` prints these. The dialplan guards every call three ways, so that no caller is left in
dead air when Callflow is unreachable:

1. a heartbeat: the driver sets the global `CALLFLOW_HEARTBEAT` to the time every couple of seconds (AMI
   `Setvar`); a call arriving while it is older than `stale_s` goes straight to the fallback instead of waiting
   in AsyncAGI for a driver that is not there;
2. a per-call guard: `TIMEOUT(absolute)` is set before `AGI(agi:async)`, and the driver keeps pushing it ahead of
   every command it sends; if the driver vanishes mid-call, the timeout fires and the `T` extension takes the
   caller to the fallback;
3. the fallback itself: an apology in every language of the environment, then the environment's fallback
   destination.

When the AsyncAGI session ends without a hang-up (the driver sent `ASYNCAGI BREAK`, or a command failed), the
dialplan also goes to the fallback.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass

from callflow.flowlang.environment import Environment
from callflow.flowlang.errors import FlowError

HEARTBEAT_VARIABLE = "CALLFLOW_HEARTBEAT"
CONTEXT = "callflow"
FALLBACK_CONTEXT = "callflow-fallback"
TEST_CALLER_CONTEXT = "callflow-test-caller"
TEST_AGENTS_CONTEXT = "callflow-test-agents"
TEST_SAY_EXTEN = "say"
TEST_SAY_VARIABLE = "CALLFLOW_TEST_SAY"

SAFE_DIAL = re.compile(r"[A-Za-z0-9_.+\-]+/[A-Za-z0-9_.+\-@:/]+")
"""A dial string of one channel and no options: the rule the live driver dials by (`channel.py`)."""
_ONE_LINE = re.compile(r"[^\x00-\x1f\x7f\x85\u2028\u2029]*")


class UnsafeConfigError(FlowError):
    """A value that would change the meaning of the configuration written for Asterisk (a second channel, options,
    a line or a section of its own), refused rather than written."""


@dataclass(frozen=True)
class AsteriskSetup:
    """The choices the printed configuration is made from."""

    environment: Environment
    apology_files: tuple[str, ...]
    """Prompt files (paths without `.wav`) the fallback plays, one per language."""
    trunk: str = "PJSIP/{number}@trunk"
    guard_s: int = 15
    stale_s: int = 6
    manager_user: str = "callflow"
    manager_secret: str | None = None

    def fallback_dial(self) -> str | None:
        """The dial string of the environment's fallback destination."""
        name = self.environment.fallback
        target = self.environment.destinations.get(name) if name else None
        if target is None:
            return None
        try:
            dial = target.endpoint or self.trunk.format(number=target.number)
        except (KeyError, IndexError, ValueError):
            raise UnsafeConfigError(f"the trunk {self.trunk!r} is not a dial string with {{number}} in it") from None
        if not SAFE_DIAL.fullmatch(dial):
            message = f"the fallback destination `{name}` would dial {dial!r}, which is not one channel without options"
            raise UnsafeConfigError(message)
        return dial


def extensions(setup: AsteriskSetup) -> str:
    """The `extensions.conf` contexts."""
    dial = setup.fallback_dial()
    apology = "&".join(setup.apology_files)
    lines = [
        "[globals]",
        f"{HEARTBEAT_VARIABLE}=0",
        "",
        f"[{CONTEXT}]",
        "; Send calls here: exten => 12345,1,Goto(callflow,${EXTEN},1)",
        "exten => _X.,1,NoOp(Callflow: call to ${EXTEN} from ${CALLERID(all)})",
        f" same => n,GotoIf($[${{EPOCH}} - 0${{{HEARTBEAT_VARIABLE}}} > {setup.stale_s}]?{FALLBACK_CONTEXT},s,1)",
        f" same => n,Set(TIMEOUT(absolute)={setup.guard_s})",
        " same => n,AGI(agi:async)",
        ' same => n,GotoIf($["${AGISTATUS}" = "HANGUP"]?done)',
        f" same => n,Goto({FALLBACK_CONTEXT},s,1)",
        " same => n(done),Hangup()",
        "; The per-call guard fired: Callflow stopped driving this call.",
        f"exten => T,1,Goto({FALLBACK_CONTEXT},s,1)",
        "",
        f"[{FALLBACK_CONTEXT}]",
        "exten => s,1,NoOp(Callflow fallback: ${CALLFLOW_ROUTE})",
        " same => n,Set(TIMEOUT(absolute)=0)",
        " same => n,Answer()",
    ]
    if apology:
        lines.append(f" same => n,Playback({apology})")
    if dial:
        lines.append(f" same => n,Dial({dial},60)")
    else:
        lines.append(" ; the environment names no fallback destination: the call ends after the apology")
    lines.append(" same => n,Hangup()")
    return "\n".join(lines) + "\n"


def test_extensions(setup: AsteriskSetup) -> str:
    """Contexts for the live tests: a caller that idles while the test presses keys (or speaks when told), and an
    agent."""
    return "\n".join(
        [
            f"[{TEST_CALLER_CONTEXT}]",
            "; The live tests originate Local/<number>@callflow with this as the caller's side and press keys",
            "; on it with the AMI PlayDTMF action.",
            "exten => idle,1,Wait(900)",
            " same => n,Hangup()",
            "; A test makes the caller speak: it sets CALLFLOW_TEST_SAY (a sound file without .wav) when it places",
            "; the call and sends the caller's side here with the AMI Redirect action while Callflow records; then",
            "; silence, as from a phone, so that the recording's silence detection ends it.",
            f"exten => {TEST_SAY_EXTEN},1,Playback(${{{TEST_SAY_VARIABLE}}})",
            " same => n,Playback(silence/10)",
            " same => n,Wait(900)",
            " same => n,Hangup()",
            "",
            f"[{TEST_AGENTS_CONTEXT}]",
            "; An agent who answers, listens for a moment and hangs up (queue member and transfer target).",
            "exten => _X.,1,Answer()",
            " same => n,Wait(2)",
            " same => n,Hangup()",
            "exten => agent,1,Answer()",
            " same => n,Wait(2)",
            " same => n,Hangup()",
            "",
        ]
    )


def queues(setup: AsteriskSetup, *, test: bool = False) -> str:
    """`queues.conf` entries for the environment's queues: music is Asterisk's, position announcements the flow's
    (the queue node's `position` prompt, between Queue runs), so Asterisk's own are off: they would count the caller
    itself, in Asterisk's words and sounds, over the flow's."""
    blocks = []
    for queue in setup.environment.queues.values():
        for what, value in (("name", queue.name), ("description", queue.description), ("music", queue.music)):
            if value is not None and not _ONE_LINE.fullmatch(value):
                raise UnsafeConfigError(f"the {what} of queue {queue.name!r} is not one line of text: {value!r}")
        lines = [f"[{queue.name}]"]
        if queue.description:
            lines.append(f"; {queue.description}")
        lines.append(f"musicclass = {queue.music or 'default'}")
        lines += [
            "; position announcements are Callflow's (the queue node's `position` prompt)",
            "announce-frequency = 0",
            "announce-position = no",
            "periodic-announce-frequency = 0",
        ]
        lines.append("strategy = ringall")
        if test:
            lines.append(f"member => Local/agent@{TEST_AGENTS_CONTEXT}")
        else:
            lines.append("; member => PJSIP/agent1   ; add the agents of this queue")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def manager(setup: AsteriskSetup) -> str:
    """The `manager.conf` user with the least rights the driver needs.

    Read `agi` (the AsyncAGI events; the driver logs in with `Events: agi`); write `agi` (the AGI action), `call`
    (Setvar for the heartbeat), `reporting` (CoreShowChannels after a reconnect).
    """
    secret = setup.manager_secret or secrets.token_urlsafe(24)
    return "\n".join(
        [
            "[general]",
            "enabled = yes",
            "bindaddr = 127.0.0.1   ; loopback only: reach it over TLS (amis://) if Callflow runs elsewhere",
            "",
            f"[{setup.manager_user}]",
            f"secret = {secret}",
            "deny = 0.0.0.0/0.0.0.0",
            "permit = 127.0.0.1/255.255.255.255",
            "read = agi",
            "write = agi,call,reporting",
            "writetimeout = 5000",
            "",
        ]
    )


def notes(setup: AsteriskSetup, url: str) -> str:
    """Where each part goes, and how to start Callflow against it."""
    return "\n".join(
        [
            "; 1. Add the contexts above to extensions.conf (or #include them) and route numbers to [callflow].",
            "; 2. Add the manager user to manager.conf; keep its secret out of version control.",
            "; 3. Add the queues to queues.conf, with their members.",
            "; 4. Run `asterisk -rx 'core reload'`, then start Callflow:",
            f";      callflow run --ami {url}",
            ";    Callflow must be able to read and write the same prompt and recording folders as Asterisk.",
        ]
    )
