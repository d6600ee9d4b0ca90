"""The caller: the dialplan script the `;1` half of an Originate runs once the IVR answers (`[caller-sim]`,
`[caller-live]`, `[callflow-test-caller]`), the digits a test presses with the AMI `PlayDTMF` action, and the AMI
`Redirect` action that sends the caller elsewhere in the dialplan.

Recorded timings (model seconds): `Wait(n)` lasts n s; `SendDTMF(digits[,gap_ms[,duration_ms]])` sends its first
DTMFBegin 0.1 s after the step starts, each tone lasts `duration_ms` (default 100) with `gap_ms` (default 250) after
it, and the next step starts one gap after the last tone; `Playback(a&b)` sends each sound's frames (`ami_sounds`)
and ends with `VarSet PLAYBACKSTATUS=SUCCESS` on `;1`; `Hangup()` hangs the caller up. `${NAME}` in a step is the
channel variable (the Originate's `Variable`), and `Newexten` shows the value (spoken-answer.txt). A `Redirect` of the
caller idling in `Wait()` starts the new extension at once: its first `Newexten` right after the action's Response, no
other event (spoken-answer.txt).
"""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

import ami_endings as endings
from ami_channels import DTMF_DURATION_MS, DTMF_FIRST_S, DTMF_GAP_MS, CallScript, Step
from ami_sounds import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    from ami_call import Call

_VARIABLE = re.compile(r"\$\{(\w+)\}")


class Caller:
    """Runs the caller's script on the `;1` half of a call."""

    def __init__(self, call: Call) -> None:
        self.call = call
        self.playing = False  # in a Playback step
        self._task: asyncio.Task[None] | None = None

    def start(self, at: float) -> None:
        """The IVR answered at model time `at`: the first step's `Newexten` now, then the script."""
        self._begin(self.call.script, at)

    def redirect(self, context: str, exten: str, script: CallScript) -> bool:
        """The AMI `Redirect` action sent the caller to `exten@context` (priority 1); False when the caller is not
        where one was recorded (idling in `Wait()`)."""
        one = self.call.one
        if self.playing or self._task is None or one.application[0] != "Wait":
            return False
        self.stop()
        one.context, one.exten = context, exten
        self._begin(script, self.call.clock.now())
        return True

    def _begin(self, script: CallScript, at: float) -> None:
        one = self.call.one
        one.priority = 1
        first = self._step(script.steps[0])
        if first is None:
            return
        self.call.emit(one.newexten(first.app, first.data))
        self._task = asyncio.create_task(self._run(script, at))

    def stop(self) -> None:
        """The call is over (or the caller goes elsewhere)."""
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()

    def _step(self, step: Step) -> Step | None:
        """The step with its `${NAME}` variables filled in (None, and the model stops, for an unset one)."""
        variables = self.call.one.variables
        missing = [name for name in _VARIABLE.findall(step.data) if name not in variables]
        if missing:
            self.call.stop_model(f"caller {step.app}({step.data}) with {', '.join(missing)} unset")
            return None
        return Step(step.app, _VARIABLE.sub(lambda m: variables[m[1]], step.data))

    def press(self, digit: str, duration_ms: int) -> None:
        """A digit from the AMI `PlayDTMF` action on `;1`, its tone already played: DTMFBegin and DTMFEnd at once on
        `;2` (playdtmf-from-ami), and the digit reaches the IVR."""
        call = self.call
        call.emit(call.two.event("DTMFBegin", "dtmf", ("Digit", digit), ("Direction", "Received")))
        end = [("Digit", digit), ("DurationMs", str(duration_ms)), ("Direction", "Received")]
        call.emit(call.two.event("DTMFEnd", "dtmf", *end))
        call.deliver(digit, call.clock.now())

    async def _run(self, script: CallScript, at: float) -> None:
        call = self.call
        for priority, written in enumerate(script.steps, 1):
            await call.clock.until(at)
            step = self._step(written)
            if step is None:
                return
            if priority > 1:  # the first step's Newexten came at its start (the answer, a Redirect)
                call.one.priority = priority
                call.emit(call.one.newexten(step.app, step.data))
            if step.app == "Wait":
                at += float(step.data)
            elif step.app == "SendDTMF":
                at = await self._send_dtmf(step, at)
            elif step.app == "Playback":
                at = await self._playback(step, at)
            elif step.app == "Hangup":
                endings.caller_hangs_up(call, at)
                return
            else:
                call.stop_model(f"caller application {step.app}({step.data})")
                return

    async def _send_dtmf(self, step: Step, at: float) -> float:
        call, two = self.call, self.call.two
        digits, *options = step.data.split(",")
        gap_s = (int(options[0]) if options and options[0] else DTMF_GAP_MS) / 1000
        duration_ms = int(options[1]) if len(options) > 1 and options[1] else DTMF_DURATION_MS
        begin = at + DTMF_FIRST_S
        for digit in digits:
            await call.clock.until(begin)
            call.emit(two.event("DTMFBegin", "dtmf", ("Digit", digit), ("Direction", "Received")))
            end = begin + duration_ms / 1000
            await call.clock.until(end)
            extra = [("Digit", digit), ("DurationMs", str(duration_ms)), ("Direction", "Received")]
            call.emit(two.event("DTMFEnd", "dtmf", *extra))
            call.deliver(digit, end)
            begin = end + gap_s
        return begin

    async def _playback(self, step: Step, at: float) -> float:
        call = self.call
        self.playing = True
        for name in step.data.split("&"):
            sound = call.pbx.sounds.find(name)
            if sound is None or sound.frames is None:
                call.stop_model(f"caller Playback({name}): not a recorded or known sound")
                return at
            call.play(sound, at)
            at += sound.samples / SAMPLE_RATE_HZ
            await call.clock.until(at)
        self.playing = False
        call.emit(call.one.var("PLAYBACKSTATUS", "SUCCESS"))
        return at
