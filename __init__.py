"""Callflow: describe what happens when someone phones, and make it happen on real calls."""

__version__ = "0.1.0"
