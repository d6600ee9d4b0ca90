"""The usage texts Asterisk sends in a 520 reply, copied from `agi-errors-and-break.txt` (markup left in, as sent).

Only the two commands recorded without their arguments (`STREAM FILE`, `WAIT FOR DIGIT`) have one here.
"""

from __future__ import annotations

USAGE_HEAD = "520-Invalid command syntax.  Proper usage follows:\n"
USAGE_TAIL = "520 End of proper usage.\n"
USAGE = {
    "STREAM FILE": (
        "Send the given file, allowing playback to be interrupted by the given digits, if any. Returns "
        "<literal>0</literal> if playback completes without a digit being pressed, or the ASCII numerical value of "
        "the digit if one was pressed, or <literal>-1</literal> on error or if the channel was disconnected. If "
        "musiconhold is playing before calling stream file it will be automatically stopped and will not be "
        "restarted after completion.\n"
        "It sets the following channel variables upon completion:\n"
        "<variable>PLAYBACKSTATUS</variable>: The status of the playback attempt as a text string.\n"
        "    <value>SUCCESS</value>\n"
        "    <value>FAILED</value>\n"
    ),
    "WAIT FOR DIGIT": (
        "Waits up to <replaceable>timeout</replaceable> milliseconds for channel to receive a DTMF digit. Returns "
        "<literal>-1</literal> on channel failure, <literal>0</literal> if no digit is received in the timeout, or "
        "the numerical value of the ascii of the digit if one is received. Use <literal>-1</literal> for the "
        "<replaceable>timeout</replaceable> value if you desire the call to block indefinitely.\n"
    ),
}


def usage_reply(command: str) -> str:
    """The whole multi-line 520 reply for `command`, ending in a newline."""
    return USAGE_HEAD + USAGE[command] + USAGE_TAIL
