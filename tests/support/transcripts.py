"""Reading the recorded Asterisk AMI sessions in `shared/asterisk-transcripts/` (format in its README)."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path


def _origin() -> Path | None:
    """The checkout this one was cloned from, when that is a folder on this machine."""
    root = Path(__file__).resolve().parents[2]
    try:
        command = ["git", "-C", str(root), "config", "--get", "remote.origin.url"]
        url = subprocess.run(command, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return None
    return Path(url) if url.startswith("/") else None


def _transcripts_folder() -> Path:
    """`shared/asterisk-transcripts`: beside the repository (so in CI), beside the checkout a local clone came
    from, or where CALLFLOW_SHARED points."""
    candidates = [Path(os.environ["CALLFLOW_SHARED"])] if "CALLFLOW_SHARED" in os.environ else []
    candidates += [parent / "shared" for parent in Path(__file__).resolve().parents]
    origin = _origin()
    candidates += [parent / "shared" for parent in origin.parents] if origin else []
    for shared in candidates:
        if (shared / "asterisk-transcripts").is_dir():
            return shared / "asterisk-transcripts"
    searched = ", ".join(str(c) for c in candidates)
    raise FileNotFoundError(f"the recorded AMI sessions (shared/asterisk-transcripts) are not in: {searched}")


TRANSCRIPTS = _transcripts_folder()
RECORDINGS = Path(__file__).resolve().parents[1] / "asterisk" / "recordings"
"""Sessions this project recorded from the same Asterisk build, for what the shared set does not show."""


def _path(name: str) -> Path:
    file = name if name.endswith(".txt") else f"{name}.txt"
    return TRANSCRIPTS / file if (TRANSCRIPTS / file).is_file() else RECORDINGS / file


_RECORD = re.compile(r"^\s*(?P<time>\d+\.\d+) (?P<direction>#|C>S|S>C)(?::(?P<tag>\S+))? ?(?P<payload>.*)$")
_ESCAPE = re.compile(r"\\(?:x([0-9A-Fa-f]{2})|(.))")
_SIMPLE = {"r": b"\r", "n": b"\n", "t": b"\t", "\\": b"\\"}


def unescape(text: str) -> bytes:
    """The bytes an escaped payload stands for (`\\r \\n \\t \\\\ \\xHH`)."""
    out = bytearray()
    pos = 0
    for match in _ESCAPE.finditer(text):
        out += text[pos : match.start()].encode("ascii")
        if match.group(1) is not None:
            out.append(int(match.group(1), 16))
        elif match.group(2) in _SIMPLE:
            out += _SIMPLE[match.group(2)]
        else:
            raise ValueError(f"unknown escape {match.group(0)!r} in {text!r}")
        pos = match.end()
    out += text[pos:].encode("ascii")
    return bytes(out)


@dataclass(frozen=True)
class Record:
    """One line of a transcript: wire bytes (`C>S`, `S>C`) or a harness note (`#`)."""

    time_s: float
    direction: str
    tag: str
    payload: bytes
    note: str = ""


@dataclass(frozen=True)
class Transcript:
    """One recorded scenario: its header lines and its records in file order."""

    name: str
    header: tuple[str, ...]
    records: tuple[Record, ...]

    @property
    def tags(self) -> list[str]:
        """The connection tags in order of first appearance (`""` when the scenario has one connection)."""
        return list(dict.fromkeys(r.tag for r in self.records if r.direction != "#"))

    def stream(self, direction: str, tag: str = "") -> bytes:
        """The whole byte stream of one direction of one connection."""
        return b"".join(r.payload for r in self.records if r.direction == direction and r.tag == tag)

    def reads(self, tag: str = "") -> list[bytes]:
        """The `S>C` stream of one connection as the client's `recv()` chunks (records sharing a time stamp)."""
        chunks: list[bytes] = []
        last: float | None = None
        for r in self.records:
            if r.direction != "S>C" or r.tag != tag:
                continue
            if r.time_s == last:
                chunks[-1] += r.payload
            else:
                chunks.append(r.payload)
            last = r.time_s
        return chunks


@cache
def load(name: str) -> Transcript:
    """The transcript `name` (with or without `.txt`)."""
    path = _path(name)
    header: list[str] = []
    records: list[Record] = []
    for number, line in enumerate(path.read_text(encoding="ascii").splitlines(), 1):
        if line.startswith("# "):
            header.append(line[2:])
            continue
        if not line.strip():
            continue
        match = _RECORD.match(line)
        if match is None:
            raise ValueError(f"{path}:{number}: not a transcript record: {line!r}")
        direction, payload = match["direction"], match["payload"]
        if direction == "#":
            records.append(Record(float(match["time"]), "#", "", b"", payload.strip()))
        else:
            records.append(Record(float(match["time"]), direction, match["tag"] or "", unescape(payload)))
    return Transcript(path.stem, tuple(header), tuple(records))


def names() -> list[str]:
    """The names of every recorded scenario (the shared set, then this project's own recordings)."""
    return sorted(p.stem for p in TRANSCRIPTS.glob("*.txt")) + sorted(p.stem for p in RECORDINGS.glob("*.txt"))
