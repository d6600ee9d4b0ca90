"""The recorded dialplan (`shared/asterisk-transcripts/config/extensions.conf`) as `CallScript`s.

`DIALPLAN` maps `(context, exten)` to the script a channel runs there: the callers of `[caller-sim]` (the `;1` half of
an Originate runs one once the IVR answers), the live caller `[caller-live]` `idle` (a test presses keys on it with the
AMI `PlayDTMF` action and hangs it up with `Hangup`), the queue members of `[queue-agents]`, and the agent of
`[callflow-test-agents]` that this project's recordings added (`agent` and `_X.`: Answer, Wait(2), Hangup), and the test
caller of `callflow asterisk-config --test` (`[callflow-test-caller]`: `idle`, and `say`, where a test sends it with the
AMI `Redirect` action to play the file named by its `CALLFLOW_TEST_SAY` variable: spoken-answer.txt). `[callflow]`
itself (`s` and `_X.`: NoOp, AGI(agi:async), NoOp, Hangup) is built into `ami_call`."""

from __future__ import annotations

from ami_channels import CallScript

CALLER_SIM = {
    "press1": CallScript.of("Wait(2)", "SendDTMF(1)", "Wait(5)", "Hangup()"),
    "digits": CallScript.of("Wait(2)", "SendDTMF(1234#,100,200)", "Wait(8)", "Hangup()"),
    "digits-noterm": CallScript.of("Wait(2)", "SendDTMF(42,100,200)", "Wait(8)", "Hangup()"),
    "hangup3": CallScript.of("Wait(3)", "Hangup()"),
    "talk-pound": CallScript.of(
        "Wait(1)", "Playback(hello-world)", "Playback(tt-weasels)", "SendDTMF(#)", "Wait(10)", "Hangup()"
    ),
    "talk-silent": CallScript.of("Wait(1)", "Playback(hello-world)", "Playback(silence/10&silence/5)", "Hangup()"),
    "talk-hangup": CallScript.of("Wait(1)", "Playback(hello-world)", "Hangup()"),
    "idle30": CallScript.of("Wait(30)", "Hangup()"),
    "early5": CallScript.of("Wait(1)", "SendDTMF(5)", "Wait(10)", "Hangup()"),
    "leave-vm": CallScript.of(
        "Playback(silence/8)", "Playback(hello-world)", "Playback(tt-weasels)", "SendDTMF(#)", "Playback(silence/5)",
        "Hangup()",
    ),
}  # fmt: skip
CALLER_LIVE_IDLE = CallScript.of("Wait(900)", "Hangup()")
QUEUE_AGENTS = {
    "agent1": CallScript.of("Answer()", "Playback(hello-world)", "Wait(1)", "Hangup()"),
    "noanswer": CallScript.of("Ringing()", "Wait(60)", "Hangup()"),
}
# Added to the lab's dialplan for this project's recordings (`tests/asterisk/recordings/`): an agent who answers,
# listens for a moment and hangs up, as `agent` (queue member) and `_X.` (a dialled number).
TEST_AGENT = CallScript.of("Answer()", "Wait(2)", "Hangup()")
TEST_CALLER = {
    "idle": CALLER_LIVE_IDLE,
    "say": CallScript.of("Playback(${CALLFLOW_TEST_SAY})", "Playback(silence/10)", "Wait(900)", "Hangup()"),
}
DIALPLAN: dict[tuple[str, str], CallScript] = {
    **{("caller-sim", exten): script for exten, script in CALLER_SIM.items()},
    ("caller-live", "idle"): CALLER_LIVE_IDLE,
    **{("queue-agents", exten): script for exten, script in QUEUE_AGENTS.items()},
    ("callflow-test-agents", "agent"): TEST_AGENT,
    **{("callflow-test-caller", exten): script for exten, script in TEST_CALLER.items()},
}
# queues.conf: queue -> (member interface, member name); both ring strategy `ringall`, one member each.
QUEUES = {
    "support": ("Local/agent1@queue-agents", "Agent One"),
    "nobody": ("Local/noanswer@queue-agents", "Never Answers"),
    # Added for this project's recordings (exec-queue-hotline): one member without a name, in four queues.
    "hotline": ("Local/agent@callflow-test-agents", "Local/agent@callflow-test-agents"),
    "hotline-local": ("Local/agent@callflow-test-agents", "Local/agent@callflow-test-agents"),
}
# The queues each member interface is in, in the order Asterisk reports its status to them (QueueMemberStatus).
MEMBER_QUEUES = {
    "Local/agent1@queue-agents": ("support",),
    "Local/noanswer@queue-agents": ("nobody",),
    "Local/agent@callflow-test-agents": ("clinic_desk", "hotline", "bank", "hotline-local"),
}
MAILBOXES = ("1000@default",)  # voicemail.conf


def agent_script(context: str, exten: str) -> CallScript | None:
    """What a dialled or queued Local channel runs at `exten@context` (`_X.` of `[callflow-test-agents]` too)."""
    if context == "callflow-test-agents" and ivr_extension(exten):
        return TEST_AGENT
    return DIALPLAN.get((context, exten))


def ivr_extension(exten: str) -> bool:
    """Whether `[callflow]` has `exten`: `s`, or the pattern `_X.` (a digit, then at least one more character)."""
    return exten == "s" or (len(exten) >= 2 and exten[0].isdigit())
