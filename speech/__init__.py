"""Speech: prompts synthesised into audio Asterisk plays, and callers' answers recognised offline."""
