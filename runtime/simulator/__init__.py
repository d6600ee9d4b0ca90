"""The headless simulator: the same engine on a virtual clock, with a scripted caller instead of a phone."""
