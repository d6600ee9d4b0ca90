"""How a live line spends time, as the simulator keeps it: the facts measured on Asterisk that decide when a caller
is heard, and the pace of a scripted caller.

A live call runs one AGI command at a time (`docs/asterisk.md`). Asterisk's AsyncAGI loop takes up a command at its
next poll of the channel, 0.1 s after the previous one ended when the caller sends no audio (recorded: median
0.100 s; `shared/asterisk-transcripts/README.md` fact 25), and a key pressed while no command runs is lost (fact 30,
`dtmf-lost-between-commands.txt`), as is a key pressed during a prompt that takes no escape digits: Asterisk reads
and drops it. The simulator keeps those rules, so a timed key (`dtmf:1@12.5`) is lost exactly where a line loses it.
"""

from __future__ import annotations

COMMAND_GAP_S = 0.1
"""From the flow asking the line for something (a prompt, a wait for keys, a recording) to the line doing it: the
AsyncAGI poll. Keys pressed meanwhile are lost."""

REACTION_S = 1.0
"""How long an untimed scripted caller takes to press a key or start speaking once the flow listens."""

DIGIT_INTERVAL_S = 0.3
"""Between the keys of one timed step (`dtmf:20261001#@30`): a caller typing a number it knows."""

BEEP_S = 3404 / 8000
"""The beep before a recording (as long as Asterisk's `beep`, 3404 samples: fact 27). Keys under it are lost, the
terminator too: the recording has not started."""

OFFER_ANSWER_S = 5.0
"""How long a caller in a queue has to take the offer once it has been said (as the live driver waits)."""

LOST_WHILE = {
    "pause": "between two commands of the line, when nothing listens",
    "prompt": "during a prompt without barge-in",
    "beep": "under the beep before a recording",
    "recording": "during a recording, which ends only on its terminator",
    "queue": "while waiting in a queue",
    "conversation": "while talking with an agent",
    "ringing": "while a transfer rings",
    "keys": "while the flow waits for keys, not words",
}
"""Why a timed key or words were lost (the `lost` field of their `input` event), and what it means."""
