"""The far side of `live_calls.py`, in its own process so it takes no time from the driver being measured.

It starts the AMI test server (unless `--ami` names a real Asterisk), prints `ami <url>`, and then obeys lines on
stdin: `call N [RATE]` places N calls into Callflow with idle callers, all at once or arriving at RATE a second
(`answered N` when Callflow has answered them all), `hangup` hangs every caller up (`done` when Callflow's halves
have all hung up), `quit` ends.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "support"))

from phone import Phone, PhoneCall

from callflow.runtime.asterisk.address import AmiAddress

SECRET = "bench-secret"


async def place(phone: Phone, count: int, rate: float) -> list[PhoneCall]:
    """`count` calls: all at once (`rate` 0), or arriving at random at `rate` calls a second (a Poisson process,
    as independent callers arrive; seeded, so every run places the same calls at the same moments)."""
    if not rate:
        return await asyncio.gather(*(phone.call("12345", f"1390000{n:04d}") for n in range(count)))
    arrivals = random.Random(12345)
    placed = []
    for n in range(count):
        placed.append(asyncio.create_task(phone.call("12345", f"1390000{n:04d}")))
        await asyncio.sleep(arrivals.expovariate(rate))
    return await asyncio.gather(*placed)


async def obey(address: AmiAddress, caller_context: str) -> None:
    print(f"ami ami://{address.username}:{address.secret}@{address.host}:{address.port}", flush=True)
    loop = asyncio.get_running_loop()
    calls: list[PhoneCall] = []
    async with Phone(address, caller_context=caller_context) as phone:
        while line := (await loop.run_in_executor(None, sys.stdin.readline)).strip():
            word, _, rest = line.partition(" ")
            if word == "call":
                count, _, rate = rest.partition(" ")
                batch = await place(phone, int(count), float(rate or 0))
                calls += batch
                print(f"answered {len(batch)}", flush=True)
            elif word == "hangup":
                for call in calls:
                    if not call.ended.is_set():
                        await call.hang_up()
                await asyncio.gather(*(call.wait_ended(60) for call in calls))
                calls.clear()
                print("done", flush=True)
            elif word == "quit":
                break


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--ami", help="a real Asterisk (with `callflow asterisk-config --test`)")
    parser.add_argument("--time-scale", type=float, default=1.0, help="the test server's pace (1 = real time)")
    args = parser.parse_args()
    if args.ami:
        await obey(AmiAddress.parse(args.ami), "callflow-test-caller")
        return
    from ami_server import AmiServer

    # the driver measured runs in another process on real time: the model's time follows the wall clock here
    async with AmiServer(secret=SECRET, time_scale=args.time_scale, wall_clock=True) as server:
        await obey(AmiAddress("127.0.0.1", server.port, "callflow", SECRET), "caller-live")


if __name__ == "__main__":
    asyncio.run(main())
