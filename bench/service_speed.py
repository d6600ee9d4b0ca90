"""Benchmark: the flow service over a real socket: request latency, and 50 editors saving and publishing at once.

`callflow serve` runs as its own process on a free loopback port over a data folder holding the bundled examples
(tenant `default`) and a generated 1,000-node flow (tenant `big`, with its generated environment). Measured:

- the latency of `GET /api/flows/hotline_12345` (the JSON graph), of `POST …/check` for the hotline, and of
  `POST …/check` for the 1,000-node flow: each request timed from the client, over a kept-alive connection;
- 50 concurrent clients for 30 s, each editing its own flow (read it, save it with its revision) and publishing it
  every fifth round: requests per second, and how many failed (there must be none).

The figures go to stdout and into docs/performance.md, between this benchmark's markers.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from callflow.runtime.service.accounts import first_start
from callflow.runtime.service.core import Service
from callflow.runtime.service.drafts import DSL, save_draft
from callflow.runtime.service.environment import save as save_environment
from callflow.runtime.service.transfer import import_folder
from callflow.runtime.store.audit import Actor
from callflow.runtime.store.users import Role

if TYPE_CHECKING:
    from .check_speed import load, publish
    from .generate import generate
else:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "support"))
    from check_speed import load, publish
    from generate import generate
    from served import Served

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SECTION = "service_speed"
PASSWORD = "a benchmark password"
CLIENTS = 50
DURATION_S = 30.0
ACTOR = Actor("bench")


@dataclass
class Tokens:
    """A token per tenant."""

    default: str
    big: str


def prepare(data: Path) -> Tokens:
    """The data folder: the examples, a 1,000-node flow in its own tenant, and one flow per editor."""
    os.environ["CALLFLOW_ADMIN_PASSWORD"] = PASSWORD
    service = Service(data)
    first_start(service.folder)
    default = service.folder.tenants.get("default")
    import_folder(service.workspace(default), EXAMPLES, ACTOR)
    big = service.folder.tenants.add("big")
    generated = generate(1_000)
    big_space = service.workspace(big)
    save_environment(big_space, generated.environment.replace("12345 =", "12346 =", 1), 0, ACTOR)  # 12345 is taken
    save_draft(big_space, "citizen_hotline", generated.text, DSL, None, ACTOR)
    space = service.workspace(default)
    for index in range(CLIENTS):
        text = f"flow editor_{index}\n  languages en\n\nstart: hangup\n"
        save_draft(space, f"editor_{index}", text, DSL, None, ACTOR)
    service.folder.users.add(big.id, "admin", Role.admin, PASSWORD, ACTOR)
    folder = service.folder
    tokens = Tokens(
        folder.credentials.create_token(folder.users.get(default.id, "admin").id, "bench"),
        folder.credentials.create_token(folder.users.get(big.id, "admin").id, "bench"),
    )
    folder.close()
    return tokens


def timed(client: httpx.Client, method: str, path: str, count: int, **options: object) -> list[float]:
    """Milliseconds per request, after one warm-up request."""
    client.request(method, path, **options).raise_for_status()  # type: ignore[arg-type]
    times = []
    for _ in range(count):
        start = time.perf_counter()
        answer = client.request(method, path, **options)  # type: ignore[arg-type]
        times.append((time.perf_counter() - start) * 1000)
        answer.raise_for_status()
    return times


@dataclass
class Burst:
    """What the concurrent editors did."""

    requests: int = 0
    failures: list[str] = field(default_factory=list)
    publishes: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def editor(url: str, token: str, index: int, until: float, burst: Burst) -> None:
    """One editor: read, change and save its flow; publish every fifth round."""
    headers = {"Authorization": f"Bearer {token}"}
    path = f"/api/flows/editor_{index}"
    with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
        rounds = 0
        while time.monotonic() < until:
            rounds += 1
            done, failed = 0, []
            got = client.get(path, headers={"Accept": "text/x-callflow"})
            done += 1
            if got.status_code != 200:
                failed.append(f"GET {got.status_code}")
            else:
                body = got.text.split("\n", 1)[1] if got.text.startswith("#") else got.text
                text = f"# round {rounds}\n{body}"
                saved = client.put(
                    path, content=text, headers={"Content-Type": "text/x-callflow", "If-Match": got.headers["etag"]}
                )
                done += 1
                if saved.status_code != 200:
                    failed.append(f"PUT {saved.status_code} {saved.text[:80]}")
                if rounds % 5 == 0:
                    published = client.post(f"{path}/publish", json={"comment": f"round {rounds}"})
                    done += 1
                    if published.status_code != 201:
                        failed.append(f"publish {published.status_code} {published.text[:80]}")
                    else:
                        with burst.lock:
                            burst.publishes += 1
            with burst.lock:
                burst.requests += done
                burst.failures += failed


def percentile(values: list[float], share: float) -> float:
    """The value below which `share` of the values fall."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def row(name: str, times: list[float]) -> str:
    """A table row: median and 95th percentile."""
    return f"| {name} | {len(times)} | {statistics.median(times):.1f} | {percentile(times, 0.95):.1f} |"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the figures and record them in docs/performance.md."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--duration", type=float, default=DURATION_S, help="Seconds of concurrent editing.")
    parser.add_argument("--no-docs", action="store_true", help="Do not write docs/performance.md.")
    options = parser.parse_args(argv)
    load_before = load()
    with tempfile.TemporaryDirectory() as scratch:
        data = Path(scratch) / "data"
        tokens = prepare(data)
        server = Served(data, PASSWORD)
        try:
            with httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {tokens.default}"}) as client:
                get = timed(client, "GET", "/api/flows/hotline_12345", 300)
                check = timed(
                    client, "POST", "/api/flows/hotline_12345/check", 100, headers={"Content-Type": "application/json"}
                )
            with httpx.Client(
                base_url=server.url, headers={"Authorization": f"Bearer {tokens.big}"}, timeout=60
            ) as client:
                big = timed(
                    client, "POST", "/api/flows/citizen_hotline/check", 30, headers={"Content-Type": "application/json"}
                )
            burst = Burst()
            until = time.monotonic() + options.duration
            threads = [
                threading.Thread(target=editor, args=(server.url, tokens.default, i, until, burst))
                for i in range(CLIENTS)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            server.stop()
    rate = burst.requests / options.duration
    lines = [
        "## The flow service",
        "",
        f"`bench/service_speed.py`: `callflow serve` as its own process on loopback, timed from a client over a "
        f"kept-alive connection (milliseconds). The 1-minute load average was {load_before} before the run and "
        f"{load()} after it.",
        "",
        "| request | count | median | 95th percentile |",
        "|---|---|---|---|",
        row("`GET /api/flows/hotline_12345` (JSON graph)", get),
        row("`POST /api/flows/hotline_12345/check`", check),
        row("`POST …/check`, a generated 1,000-node flow", big),
        "",
        f"{CLIENTS} concurrent editors for {options.duration:.0f} s, each reading, saving (with its revision) and "
        f"every fifth round publishing its own flow: {burst.requests} requests ({rate:.0f} per second), "
        f"{burst.publishes} versions published, {len(burst.failures)} failed.",
    ]
    text = "\n".join(lines)
    print(text)
    for failure in burst.failures[:10]:
        print("failure:", failure)
    if not options.no_docs:
        publish(SECTION, text)
    return 1 if burst.failures else 0


if __name__ == "__main__":
    sys.exit(main())
