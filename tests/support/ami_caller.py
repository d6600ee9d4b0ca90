"""The caller: the dialplan script the `;1` half of an Originate runs once the IVR answers (`[caller-sim]`,
`[caller-live]`), and the digits a test presses with the AMI `PlayDTMF` action.

Recorded timings (model seconds): `Wait(n)` lasts n s; `SendDTMF(digits[,gap_ms[,duration_ms]])` sends its first
DTMFBegin 0.1 s after the step starts, each tone lasts `duration_ms` (default 100) with `gap_ms` (default 250) after
it, and the next step starts one gap after the last tone; `Playback(a&b)` sends each sound's frames (`ami_sounds`)
and ends with `VarSet PLAYBACKSTATUS=SUCCESS` on `;1`; `Hangup()` hangs the caller up.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import ami_endings as endings
from ami_channels import DTMF_DURATION_MS, DTMF_FIRST_S, DTMF_GAP_MS, Step
from ami_sounds import SAMPLE_RATE_HZ

if TYPE_CHECKING:
    from ami_call import Call


class Caller:
    """Runs the caller's script on the `;1` half of a call."""

    def __init__(self, call: Call) -> None:
        self.call = call
        self.playing = False  # in a Playback step
        self._task: asyncio.Task[None] | None = None

    def start(self, at: float) -> None:
        """The IVR answered at model time `at`: the first step's `Newexten` now, then the script."""
        one = self.call.one
        one.priority = 1
        first = self.call.script.steps[0]
        self.call.emit(one.newexten(first.app, first.data))
        self._task = asyncio.create_task(self._run(at))

    def stop(self) -> None:
        """The call is over."""
        if self._task is not None and self._task is not asyncio.current_task():
            self._task.cancel()

    def press(self, digit: str, duration_ms: int) -> None:
        """A digit from the AMI `PlayDTMF` action on `;1`, its tone already played: DTMFBegin and DTMFEnd at once on
        `;2` (playdtmf-from-ami), and the digit reaches the IVR."""
        call = self.call
        call.emit(call.two.event("DTMFBegin", "dtmf", ("Digit", digit), ("Direction", "Received")))
        end = [("Digit", digit), ("DurationMs", str(duration_ms)), ("Direction", "Received")]
        call.emit(call.two.event("DTMFEnd", "dtmf", *end))
        call.deliver(digit, call.clock.now())

    async def _run(self, at: float) -> None:
        call = self.call
        for priority, step in enumerate(call.script.steps, 1):
            await call.clock.until(at)
            if priority > 1:  # the first step's Newexten is one of the answer events
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
