"""Originates that do not reach `[callflow]`, as recorded in originate-failure.txt (README facts 15, 16).

- `Local/<exten>@<context>` to a context the dialplan does not have: the pair is made and hung up at once,
  OriginateResponse Failure/0, the device INVALID.
- `Local/busy@fail-sim` (`Busy(10)`): Failure/5, the `;2` half hangs up with cause 17; with `Async: false` the
  action itself answers `Error` / `Originate failed` and no OriginateResponse comes.
- `Local/congestion@fail-sim` (`Congestion(10)`): Failure/8, cause 34.
- `Local/noanswer@fail-sim` (`Ringing`, `Wait(60)`): rings until the Originate's `Timeout`, then Failure/3, cause 19.
- another technology (`Bogus/123`): Failure/0 and no channel at all.

`Channel` in the OriginateResponse is the string as sent, `Uniqueid` `<unknown>` (no `ChannelId` was given).
Other forms (a synchronous Originate that is not the busy one, a `ChannelId`, no `Timeout` for noanswer) were not
recorded and are refused.
"""

from __future__ import annotations

from ami_channels import Half, device_state
from ami_dialplan import DIALPLAN
from ami_local import announce_pair, local_bridge, originate_response, parse_caller_id
from ami_pbx import Pbx
from ami_session import Session, response

from callflow.runtime.asterisk.protocol import Message

CONTEXTS = {context for context, _ in DIALPLAN} | {"callflow", "fail-sim"}
FAIL_SIM = {"busy": ("Busy", "10"), "congestion": ("Congestion", "10"), "noanswer": ("Ringing", "")}
BUSY = 7  # the ChannelState Busy() and Congestion() set


async def fail(pbx: Pbx, session: Session, request: Message) -> bool:
    """Answer an Originate that cannot reach `[callflow]`; False when the recordings do not show it."""
    channel = request["Channel"]
    tech, _, rest = channel.partition("/")
    exten, _, context = rest.partition("@")
    asynchronous = request.get("Async", "").lower() == "true"
    caller = parse_caller_id(request.get("CallerID", ""))
    if "ChannelId" in request or request.get("Priority", "1") != "1":
        return False
    if tech != "Local":
        if not asynchronous:
            return False
        session.send(response(request, "Success", ("Message", "Originate successfully queued")))
        pbx.emit(originate_response(request, caller, "Failure", channel, "0", "<unknown>"))
        return True
    if (context in CONTEXTS and context != "fail-sim") or (context == "fail-sim" and exten not in FAIL_SIM):
        return False
    if not asynchronous and (context, exten) != ("fail-sim", "busy"):
        return False
    if exten == "noanswer" and not request.get("Timeout", "").isdigit():
        return False
    if asynchronous:
        session.send(response(request, "Success", ("Message", "Originate successfully queued")))
    else:
        session.send(response(request, "Error", ("Message", "Originate failed")))
    number = pbx.local_number()
    base = f"{channel}-{number:08x}"
    one_id = pbx.uniqueid(number, 1)
    one = Half(f"{base};1", one_id, one_id, context, exten, 0, created_s=pbx.clock.now())
    two = Half(f"{base};2", pbx.uniqueid(number, 2), one_id, context, exten, 4, created_s=pbx.clock.now())
    failure = _Failure(pbx, request, caller, one, two, report=asynchronous)
    if context not in CONTEXTS:
        failure.no_such_context()
    elif exten == "noanswer":
        failure.rings(int(request["Timeout"]) / 1000)
    else:
        failure.refuses(exten)
    return True


class _Failure:
    """The events of one failing Local pair."""

    def __init__(
        self, pbx: Pbx, request: Message, caller: tuple[str, str], one: Half, two: Half, *, report: bool
    ) -> None:
        self.pbx, self.emit, self.request, self.caller = pbx, pbx.emit, request, caller
        self.one, self.two, self.report = one, two, report
        self.device = request["Channel"]

    def response(self, reason: str) -> None:
        if self.report:
            channel = self.request["Channel"]
            self.emit(originate_response(self.request, self.caller, "Failure", channel, reason, "<unknown>"))

    def dial(self, name: str, *extra: tuple[str, str]) -> Message:
        return Message([("Event", name), ("Privilege", "call,all"), *self.one.headers("Dest"), *extra])

    def hangup(self, half: Half, cause: str, text: str) -> Message:
        return half.event("Hangup", "call", ("Cause", cause), ("Cause-txt", text))

    def no_such_context(self) -> None:
        one, two, emit = self.one, self.two, self.emit
        announce_pair(emit, one, two, self.request, self.caller)
        self.response("0")
        emit(self.hangup(two, "0", "Unknown"))
        emit(self.hangup(one, "0", "Unknown"))
        emit(device_state(self.device, "INVALID"))
        emit(device_state(self.device, "INVALID"))

    def refuses(self, exten: str) -> None:
        """Busy() or Congestion() on the `;2` half."""
        one, two, emit = self.one, self.two, self.emit
        busy = exten == "busy"
        announce_pair(emit, one, two, self.request, self.caller)
        emit(local_bridge(one, two))
        emit(self.dial("DialBegin", ("DialString", f"{exten}@{one.context}")))
        emit(two.newexten(*FAIL_SIM[exten]))
        two.state = BUSY
        emit(two.event("Newstate", "call"))
        emit(device_state(self.device, "NOT_INUSE" if busy else "INUSE"))
        emit(self.dial("DialEnd", ("DialStatus", "BUSY" if busy else "CONGESTION")))
        emit(two.event("HangupRequest", "call", ("Cause", "0")))
        emit(self.hangup(one, "0", "Unknown"))
        if busy:
            emit(device_state(self.device, "NOT_INUSE"))
        emit(two.event("SoftHangupRequest", "call", ("Cause", "16")))
        emit(self.hangup(two, "17", "User busy") if busy else self.hangup(two, "34", "Circuit/channel congestion"))
        emit(device_state(self.device, "NOT_INUSE"))
        self.response("5" if busy else "8")
        if not busy:
            emit(device_state(self.device, "NOT_INUSE"))

    def rings(self, timeout_s: float) -> None:
        """Ringing() and Wait(60) on the `;2` half, until the Originate gives up."""
        one, two, emit = self.one, self.two, self.emit
        announce_pair(emit, one, two, self.request, self.caller)
        emit(local_bridge(one, two))
        emit(self.dial("DialBegin", ("DialString", f"noanswer@{one.context}")))
        emit(two.newexten("Ringing", ""))
        one.state = 5
        emit(one.event("Newstate", "call"))
        emit(device_state(self.device, "INUSE"))
        two.priority = 2
        emit(two.newexten("Wait", "60"))
        emit(self.dial("DialState", ("DialStatus", "RINGING")))
        self.pbx.background(self._give_up(self.pbx.clock.now() + timeout_s))

    async def _give_up(self, deadline: float) -> None:
        await self.pbx.clock.until(deadline)
        one, two, emit = self.one, self.two, self.emit
        emit(two.event("HangupRequest", "call", ("Cause", "19")))
        self.response("3")
        emit(two.event("SoftHangupRequest", "call", ("Cause", "16")))
        emit(self.hangup(one, "19", "User alerting, no answer"))
        emit(self.hangup(two, "19", "User alerting, no answer"))
        emit(device_state(self.device, "NOT_INUSE"))
        emit(device_state(self.device, "NOT_INUSE"))
