"""The records' SQLite file (`records.db` beside `callflow.db`): call records, their rows, tallies and voicemail.

Records live in a file of their own so that writing them (up to thousands of calls a second, from `callflow run`,
`callflow simulate --save` and the service) never waits for the service's write lock on `callflow.db`, nor makes
a publish or a login wait for a batch of records; pruning and backing them up is also separate. The file is in WAL
mode, so reports read while calls are written. One writer thread per process writes it (`runtime/writer.py`);
other processes (the service, a command) take their turn through SQLite's lock.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RECORDS_FILE = "records.db"

BUSY_TIMEOUT_MS = 10_000

SCHEMA_VERSION = 4

SCHEMA = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    call_id TEXT NOT NULL,
    flow TEXT NOT NULL,
    version INTEGER NOT NULL,          -- 0: a draft or a flow file, not a published version
    origin TEXT NOT NULL,              -- live | simulated
    caller TEXT NOT NULL,
    called TEXT NOT NULL,
    area TEXT NOT NULL,
    language TEXT NOT NULL,
    start TEXT NOT NULL,               -- ISO 8601, UTC, to the millisecond
    end TEXT,
    duration_s REAL,
    day TEXT NOT NULL,                 -- the call's local date (the environment's time zone)
    hour INTEGER NOT NULL,             -- its local hour, 0 to 23
    outcome TEXT NOT NULL,             -- self_served, agent, voicemail, transferred, abandoned, fallback, unfinished
    reason TEXT,                       -- the end event's reason: hangup, transferred, time_limit...
    hangup_by TEXT,
    end_node TEXT,
    transfer_to TEXT,
    errors INTEGER NOT NULL DEFAULT 0,
    finished INTEGER NOT NULL,
    path TEXT NOT NULL DEFAULT ' '     -- the nodes it passed, each once, space-separated and space-framed
);
CREATE UNIQUE INDEX IF NOT EXISTS calls_call_id ON calls (tenant, call_id);
CREATE INDEX IF NOT EXISTS calls_by_day ON calls (tenant, day, flow);
CREATE INDEX IF NOT EXISTS calls_by_version ON calls (tenant, flow, version, id);
CREATE INDEX IF NOT EXISTS calls_by_start ON calls (start);
CREATE INDEX IF NOT EXISTS calls_newest ON calls (tenant, id);

CREATE TABLE IF NOT EXISTS call_events (
    call INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    part INTEGER NOT NULL,
    events BLOB NOT NULL,              -- zlib-compressed JSON array of trace events (secrets masked)
    PRIMARY KEY (call, part)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS queue_waits (
    call INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    queue TEXT NOT NULL,
    entered_s REAL NOT NULL,           -- seconds after the call's start
    position INTEGER,                  -- callers ahead on entry
    result TEXT NOT NULL,              -- answered | abandoned | offer | timeout
    wait_s REAL NOT NULL,              -- until an agent answered, or the caller left
    took_offer INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS queue_waits_call ON queue_waits (call);

CREATE TABLE IF NOT EXISTS transfers (
    call INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    node TEXT,
    destination TEXT NOT NULL,
    result TEXT NOT NULL               -- answered | busy | no_answer | failed
);
CREATE INDEX IF NOT EXISTS transfers_call ON transfers (call);

CREATE TABLE IF NOT EXISTS menu_choices (
    call INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    node TEXT NOT NULL,
    choice TEXT NOT NULL,              -- the exit taken: `key 1`, `failed`...
    no_input INTEGER NOT NULL,
    no_match INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS menu_choices_call ON menu_choices (call);

CREATE TABLE IF NOT EXISTS survey_answers (
    call INTEGER NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    question TEXT NOT NULL,
    answer TEXT NOT NULL,
    queue TEXT NOT NULL                -- the queue the caller waited in before, or ''
);
CREATE INDEX IF NOT EXISTS survey_answers_call ON survey_answers (call);

-- Counts kept up to date as calls are written, per tenant, flow version, local day and hour: what reports read.
CREATE TABLE IF NOT EXISTS tallies (
    tenant TEXT NOT NULL,
    flow TEXT NOT NULL,
    version INTEGER NOT NULL,
    origin TEXT NOT NULL,
    day TEXT NOT NULL,
    hour INTEGER NOT NULL,
    kind TEXT NOT NULL,
    k1 TEXT NOT NULL,
    k2 TEXT NOT NULL,
    k3 TEXT NOT NULL,
    n INTEGER NOT NULL,
    total REAL NOT NULL,
    top REAL NOT NULL,
    PRIMARY KEY (tenant, kind, day, flow, version, origin, hour, k1, k2, k3)
) WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS voicemails (
    id INTEGER PRIMARY KEY,
    tenant TEXT NOT NULL,
    call_id TEXT,
    flow TEXT,
    mailbox TEXT NOT NULL,
    caller TEXT NOT NULL,
    time TEXT NOT NULL,                -- ISO 8601, UTC
    day TEXT NOT NULL,                 -- local date
    seconds REAL NOT NULL,
    language TEXT NOT NULL,
    file TEXT,                         -- the audio, relative to the data folder; NULL for a simulated message
    state TEXT NOT NULL DEFAULT 'unread',  -- unread | read | handled
    handled_by TEXT,
    handled_at TEXT,
    note TEXT
);
CREATE INDEX IF NOT EXISTS voicemails_inbox ON voicemails (tenant, mailbox, state, id);
CREATE INDEX IF NOT EXISTS voicemails_by_day ON voicemails (tenant, day);
CREATE INDEX IF NOT EXISTS voicemails_newest ON voicemails (tenant, time);
CREATE UNIQUE INDEX IF NOT EXISTS voicemails_call ON voicemails (tenant, call_id, mailbox) WHERE call_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS retention (
    tenant TEXT PRIMARY KEY,
    days INTEGER NOT NULL
);

-- Each tenant's last prune (by the schedule or `callflow records prune`): what the API shows.
CREATE TABLE IF NOT EXISTS prune_runs (
    tenant TEXT PRIMARY KEY,
    at TEXT NOT NULL,                  -- when it ended, ISO 8601, UTC
    before TEXT NOT NULL,              -- the first local day kept
    calls INTEGER NOT NULL,
    messages INTEGER NOT NULL,
    files INTEGER NOT NULL
);

-- The folders `callflow run --data` records callers into (runtime/store/recordings.py): a pruned call's recordings
-- there go with it.
CREATE TABLE IF NOT EXISTS recording_folders (
    path TEXT PRIMARY KEY,             -- absolute
    since TEXT NOT NULL                -- when a runtime first named it, ISO 8601, UTC
);
"""


def records_path(data: Path) -> Path:
    """The records' file in a data folder."""
    return data / RECORDS_FILE


def connect(path: Path) -> sqlite3.Connection:
    """A connection to the records' file (created with its tables on first use), in autocommit mode."""
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, isolation_level=None, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    connection.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("PRAGMA foreign_keys=ON")
    if connection.execute("PRAGMA user_version").fetchone()[0] < SCHEMA_VERSION:
        # one script, one transaction: every statement is idempotent, so two processes starting at once agree
        connection.executescript(f"BEGIN IMMEDIATE;{SCHEMA}PRAGMA user_version={SCHEMA_VERSION};COMMIT;")
    return connection


def integrity(connection: sqlite3.Connection) -> str:
    """SQLite's own integrity check: `ok`, or what is wrong."""
    return "; ".join(str(row[0]) for row in connection.execute("PRAGMA integrity_check"))


@contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One write transaction: committed when the block ends, rolled back if it raises."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield connection
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")
