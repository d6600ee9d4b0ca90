"""A small model of the Local channel pair an AMI `Originate` makes, and of its AsyncAGI command queue.

Only what `shared/asterisk-transcripts/` shows is modelled (dtmf-menu, caller-hangup-mid-prompt): the `;2` half runs
`[callflow]` into `AGI(agi:async)` and executes queued AGI commands one at a time; the `;1` half runs a scripted caller
(`CallScript`, the `[caller-sim]` dialplan) once `ANSWER` is executed. Times are the recorded ones and are kept as
deadlines on the event loop's clock, so the order of events does not depend on how fast the test's client answers.
A command or situation the recordings do not show is not guessed at: it is listed in `unrecorded` and the call stops.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import shlex
from collections.abc import Callable

from ami_channels import (
    AGI_VERSION,
    ANSWER_S,
    DTMF_S,
    FRAME_SAMPLES,
    HANGUP,
    PROMPT_S,
    PROMPT_SAMPLES,
    SAMPLE_RATE_HZ,
    STATE_DESC,
    CallScript,
    Command,
    Half,
    agi_encode,
)

from callflow.runtime.asterisk.protocol import Message

Emit = Callable[[Message], None]


class Call:
    """A Local channel pair from one `Originate`; the `;2` half runs AsyncAGI, the `;1` half the `CallScript`."""

    def __init__(
        self,
        emit: Emit,
        number: int,
        request: Message,
        script: CallScript,
        unrecorded: list[str],
        database: dict[tuple[str, str], str],
    ):
        """`unrecorded` collects what the model will not guess at; `database` is the AstDB the calls share."""
        self.database = database
        self.emit, self.request, self.script, self.unrecorded = emit, request, script, unrecorded
        exten, _, context = request["Channel"].split("/", 1)[1].partition("@")
        base = f"Local/{exten}@{context}-{number:08x}"
        caller_id = re.fullmatch(r'"?(?P<name>[^"<]*?)"?\s*<(?P<num>[^>]*)>', request.get("CallerID", "").strip())
        self.caller = (caller_id["num"], caller_id["name"]) if caller_id else ("<unknown>", "<unknown>")
        linkedid = request.get("ChannelId", "")
        self.one = Half(f"{base};1", linkedid, linkedid, context, exten, 0)
        self.two = Half(f"{base};2", request.get("OtherChannelId", ""), linkedid, context, exten, 4)
        self.device = f"Local/{exten}@{context}"
        self.queue: asyncio.Queue[tuple[float, Command]] = asyncio.Queue()
        self.executed = 0
        self.caller_gone = False
        self._signal_at = 0.0
        self.in_agi = False
        self._idle_since = 0.0
        self._digit: asyncio.Future[str] | None = None
        self._accepts = ""
        self._caller_task: asyncio.Task[None] | None = None
        self.task: asyncio.Task[None] | None = None

    @property
    def _now(self) -> float:
        return asyncio.get_running_loop().time()

    async def _until(self, deadline: float) -> None:
        await asyncio.sleep(max(0.0, deadline - self._now))

    def start(self) -> None:
        """Emit the recorded call-start events up to `AsyncAGIStart`, then run the AGI loop."""
        one, two, emit = self.one, self.two, self.emit
        emit(one.event("Newchannel", "call"))
        emit(two.event("Newchannel", "call"))
        emit(
            one.event(
                "Newexten",
                "dialplan",
                ("Extension", one.exten),
                ("Application", "AppDial2"),
                ("AppData", "(Outgoing Line)"),
            )
        )
        for half in (one, two):
            for assignment in self.request.get_all("Variable"):
                name, _, value = assignment.partition("=")
                half.variables[name] = value
                emit(half.event("VarSet", "dialplan", ("Variable", name), ("Value", value)))
            half.caller = self.caller
            if half is two:  # recorded: the ;2 half's NewCallerid already carries the connected line
                half.connected = self.caller
            emit(half.event("NewCallerid", "call", ("CID-CallingPres", "0 (Presentation Allowed, Not Screened)")))
            half.connected = self.caller
            emit(half.event("NewConnectedLine", "call"))
        ends = [("Context", one.context), ("Exten", one.exten), ("LocalOptimization", "Yes")]
        emit(
            Message(
                [
                    ("Event", "LocalBridge"),
                    ("Privilege", "call,all"),
                    *one.headers("LocalOne"),
                    *two.headers("LocalTwo"),
                    *ends,
                ]
            )
        )
        dial = [("DialString", f"{one.exten}@{one.context}")]
        emit(Message([("Event", "DialBegin"), ("Privilege", "call,all"), *one.headers("Dest"), *dial]))
        caller_all = f'"{self.caller[1]}" <{self.caller[0]}>'
        scenario = two.variables.get("LAB_SCENARIO", "")
        to = "" if two.exten == "s" else f" to {two.exten}"
        noop = f"IVR: call{to} from {caller_all}, scenario {scenario}"
        emit(two.event("Newexten", "dialplan", ("Extension", two.exten), ("Application", "NoOp"), ("AppData", noop)))
        two.priority = 2
        emit(
            two.event(
                "Newexten", "dialplan", ("Extension", two.exten), ("Application", "AGI"), ("AppData", "agi:async")
            )
        )
        emit(two.event("AsyncAGIStart", "agi", ("Env", agi_encode(self._env()))))
        self.in_agi = True
        self._idle_since = self._now
        self.task = asyncio.create_task(self._agi_loop())

    def _env(self) -> str:
        two = self.two
        env = [
            ("request", "async"), ("channel", two.name), ("language", "en"), ("type", "Local"),
            ("uniqueid", two.uniqueid), ("version", AGI_VERSION), ("callerid", self.caller[0]),
            ("calleridname", self.caller[1]), ("callingpres", "0"), ("callingani2", "0"), ("callington", "0"),
            ("callingtns", "0"), ("dnid", "unknown"), ("rdnis", "unknown"), ("context", two.context),
            ("extension", two.exten), ("priority", "2"), ("enhanced", "0.0"), ("accountcode", ""),
            ("threadid", str(139_600_000_000_000 + secrets.randbelow(10**11))),
        ]  # fmt: skip
        return "".join(f"agi_{k}: {v}\n" for k, v in env) + "\n"

    def enqueue(self, command: Command) -> None:
        """Queue a command from the `AGI` action."""
        self.queue.put_nowait((self._now, command))

    async def _agi_loop(self) -> None:
        try:
            while self.in_agi:
                queued_at, command = await self.queue.get()
                # Recorded: a command queued while the previous one ran starts right after it (fact 25, 40).
                pickup = 0.0 if queued_at < self._idle_since else self.script.pickup(self.executed)
                deadline = max(self._now, self._idle_since + pickup)
                await self._until(deadline)
                if not self.in_agi:
                    return
                self.executed += 1
                await self._execute(command, deadline)
                self._idle_since = self._now
        except asyncio.CancelledError:
            pass

    async def _execute(self, command: Command, started: float) -> None:
        two = self.two
        exec_id = str(secrets.randbelow(2**31 - 1) + 1)
        self.emit(two.event("AGIExecStart", "agi", ("CommandId", exec_id), ("Command", command.text)))
        try:
            words = shlex.split(command.text)
        except ValueError:  # an unbalanced quote: what Asterisk answers was not recorded
            words = ["<unparsed>"]
        name = " ".join(words[:3]).upper()
        result: str
        code, word = "200", "Success"
        upper = [w.upper() for w in words]
        if upper == ["ANSWER"]:
            result = await self._answer(started)
        elif [w.upper() for w in words[:2]] == ["STREAM", "FILE"] and len(words) == 4 and words[2] in PROMPT_S:
            signal = await self._listen(words[3], started + PROMPT_S[words[2]])
            endpos = FRAME_SAMPLES * int((self._signal_at - started) * SAMPLE_RATE_HZ // FRAME_SAMPLES)
            if signal == HANGUP:
                self.emit(two.event("VarSet", "dialplan", ("Variable", "PLAYBACKSTATUS"), ("Value", "FAILED")))
                code, word, result = "-1", "Failure", f"200 result=-1 endpos={endpos}"
            elif signal is not None:
                result = f"200 result={ord(signal)} endpos={endpos}"
            elif words[2] in PROMPT_SAMPLES:
                self.emit(two.event("VarSet", "dialplan", ("Variable", "PLAYBACKSTATUS"), ("Value", "SUCCESS")))
                result = f"200 result=0 endpos={PROMPT_SAMPLES[words[2]]}"
            else:
                self.unrecorded.append(f"{command.text} played to the end")
                self.in_agi = False
                return
        elif name.startswith("WAIT FOR DIGIT") and len(words) == 4:
            digit = await self._listen("0123456789*#", started + int(words[3]) / 1000)
            if digit == HANGUP:
                self.unrecorded.append(f"{command.text} cut by a hangup")
                self.in_agi = False
                return
            result = f"200 result={ord(digit) if digit else 0}"
        elif name.startswith("SET VARIABLE") and len(words) == 4:
            two.variables[words[2]] = words[3]
            self.emit(two.event("VarSet", "dialplan", ("Variable", words[2]), ("Value", words[3])))
            result = "200 result=1"
        elif name.startswith("GET VARIABLE") and len(words) == 3:
            value = two.variables.get(words[2])
            result = "200 result=0" if value is None else f"200 result=1 ({value})"
        elif name.startswith("GET FULL VARIABLE") and len(words) == 4:
            result = f"200 result=1 ({self._substitute(words[3])})"
        elif upper == ["NOOP"]:
            result = "200 result=0"
        elif upper[:1] == ["VERBOSE"] and len(words) == 3:
            result = "200 result=1"
        elif upper[:2] == ["DATABASE", "PUT"] and len(words) == 5:
            self.database[words[2], words[3]] = words[4]
            result = "200 result=1"
        elif upper[:2] == ["DATABASE", "GET"] and len(words) == 4:
            value = self.database.get((words[2], words[3]))
            result = "200 result=0" if value is None else f"200 result=1 ({value})"
        elif name == "CHANNEL STATUS" and two.state == 6:
            result = "200 result=6"
        elif name == "HANGUP" and len(words) == 1:
            self.emit(two.event("SoftHangupRequest", "call", ("Cause", "32")))
            result = "200 result=1"
        else:
            self.unrecorded.append(command.text)
            self.in_agi = False
            return
        ended = [("CommandId", exec_id), ("Command", command.text), ("ResultCode", code), ("Result", word)]
        self.emit(two.event("AGIExecEnd", "agi", *ended))
        client_id = [("CommandId", command.command_id)] if command.command_id is not None else []
        self.emit(two.event("AsyncAGIExec", "agi", ("Result", agi_encode(result + "\n")), *client_id))
        if name == "HANGUP":
            self._hang_up_by_ivr()
        elif self.caller_gone:
            self._end_after_caller_hangup()

    def _substitute(self, expression: str) -> str:
        functions = {"CALLERID(num)": self.caller[0], "CHANNEL(state)": STATE_DESC[self.two.state]}
        return re.sub(r"\$\{([^}]*)\}", lambda m: functions.get(m[1], self.two.variables.get(m[1], "")), expression)

    async def _answer(self, started: float) -> str:
        one, two, origin = self.one, self.two, self.request
        action_id = [("ActionID", origin["ActionID"])] if "ActionID" in origin else []
        originate = [("Event", "OriginateResponse"), ("Privilege", "call,all"), *action_id, ("Response", "Success")]
        originate += [("Channel", one.name), ("Context", origin.get("Context", "")), ("Exten", origin.get("Exten", ""))]
        originate += [("Reason", "4"), ("Uniqueid", one.uniqueid), ("CallerIDNum", self.caller[0])]
        originate += [("CallerIDName", self.caller[1])]

        def up(half: Half) -> Message:
            half.state = 6
            return half.event("Newstate", "call")

        def first_step() -> Message:
            one.context, one.exten = origin.get("Context", ""), origin.get("Exten", "")
            step = self.script.steps[0]
            return one.event(
                "Newexten", "dialplan", ("Extension", one.exten), ("Application", step.app), ("AppData", step.data)
            )

        events: dict[str, Callable[[], Message]] = {
            "OriginateResponse": lambda: Message(originate),
            "Newstate;2": lambda: up(two),
            "Newstate;1": lambda: up(one),
            "DeviceStateChange": lambda: self._device("INUSE"),
            "DialEnd": lambda: Message(
                [("Event", "DialEnd"), ("Privilege", "call,all"), *one.headers("Dest"), ("DialStatus", "ANSWER")]
            ),
            "Newexten": first_step,
        }
        for name in self.script.answer_order:
            self.emit(events[name]())
        self._caller_task = asyncio.create_task(self._run_caller(started))
        await self._until(started + ANSWER_S)
        return "200 result=0"

    def _device(self, state: str) -> Message:
        return Message(
            [("Event", "DeviceStateChange"), ("Privilege", "call,all"), ("Device", self.device), ("State", state)]
        )

    async def _listen(self, digits: str, deadline: float) -> str | None:
        """The digit among `digits` the caller sends before `deadline`, or None."""
        self._digit, self._accepts = asyncio.get_running_loop().create_future(), digits
        try:
            return await asyncio.wait_for(asyncio.shield(self._digit), max(0.0, deadline - self._now))
        except TimeoutError:
            return None
        finally:
            self._digit, self._accepts = None, ""

    async def _run_caller(self, answered: float) -> None:
        one, two = self.one, self.two
        at = answered
        for priority, step in enumerate(self.script.steps, 1):
            await self._until(at)
            one.priority = priority
            if priority > 1:  # the first step's Newexten is part of the answer events
                extra = [("Extension", one.exten), ("Application", step.app), ("AppData", step.data)]
                self.emit(one.event("Newexten", "dialplan", *extra))
            if step.app == "SendDTMF":
                for digit in step.data:
                    await self._until(at + DTMF_S)
                    self.emit(two.event("DTMFBegin", "dtmf", ("Digit", digit), ("Direction", "Received")))
                    await self._until(at + 2 * DTMF_S)
                    extra = [("Digit", digit), ("DurationMs", "100"), ("Direction", "Received")]
                    self.emit(two.event("DTMFEnd", "dtmf", *extra))
                    self._interrupt(digit, at + 2 * DTMF_S)
            if step.app == "Hangup":
                self._hang_up_by_caller(at)
                return
            at += step.duration_s

    def _interrupt(self, signal: str, at: float) -> None:
        """Hand a digit, or `HANGUP`, to the command listening for it; a digit nobody listens for is lost."""
        if self._digit is not None and not self._digit.done() and (signal == HANGUP or signal in self._accepts):
            self._signal_at = at
            self._digit.set_result(signal)

    def _hang_up_by_caller(self, at: float) -> None:
        """The caller's `Hangup()`: the `;1` half goes, the `;2` half is asked to (caller-hangup-mid-prompt)."""
        one, two = self.one, self.two
        self.emit(one.event("SoftHangupRequest", "call", ("Cause", "16")))
        self.emit(two.event("HangupRequest", "call", ("Cause", "16")))
        self.emit(one.event("Hangup", "call", ("Cause", "16"), ("Cause-txt", "Normal Clearing")))
        one.alive, self.caller_gone = False, True
        if self._digit is not None:
            self._interrupt(HANGUP, at)
        else:
            self.unrecorded.append("caller hangup while no AGI command runs")
            self._end_after_caller_hangup()

    def _end_after_caller_hangup(self) -> None:
        two = self.two
        self.in_agi = False
        self.emit(two.event("AsyncAGIEnd", "agi"))
        self.emit(two.event("VarSet", "dialplan", ("Variable", "AGISTATUS"), ("Value", "HANGUP")))
        self.emit(two.event("SoftHangupRequest", "call", ("Cause", "16")))
        self.emit(two.event("Hangup", "call", ("Cause", "16"), ("Cause-txt", "Normal Clearing")))
        two.alive = False
        self.emit(self._device("NOT_INUSE"))
        self.emit(self._device("NOT_INUSE"))
        self._drop_queued()

    def _drop_queued(self) -> None:
        while not self.queue.empty():  # commands still queued are dropped silently (fact 32)
            self.queue.get_nowait()

    def _hang_up_by_ivr(self) -> None:
        """After the AGI `HANGUP` command: the recorded end of both halves (README fact 31)."""
        one, two, emit = self.one, self.two, self.emit
        self.in_agi = False
        if self._caller_task is not None:
            self._caller_task.cancel()
        emit(two.event("AsyncAGIEnd", "agi"))
        emit(two.event("VarSet", "dialplan", ("Variable", "AGISTATUS"), ("Value", "HANGUP")))
        emit(two.event("SoftHangupRequest", "call", ("Cause", "16")))
        emit(one.event("HangupRequest", "call", ("Cause", "0")))
        emit(two.event("Hangup", "call", ("Cause", "0"), ("Cause-txt", "Unknown")))
        emit(one.event("SoftHangupRequest", "call", ("Cause", "16")))
        emit(one.event("Hangup", "call", ("Cause", "0"), ("Cause-txt", "Unknown")))
        one.alive = two.alive = False
        emit(self._device("NOT_INUSE"))
        emit(self._device("NOT_INUSE"))
        self._drop_queued()

    def stop(self) -> None:
        """Cancel the call's tasks (server shutdown)."""
        for task in (self.task, self._caller_task):
            if task is not None:
                task.cancel()
