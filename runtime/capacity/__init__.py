"""Capacity simulation (`callflow load`): a whole day of callers through the real engine and the real flow, on one
shared virtual clock with shared queues and agents, and how many agents it needs."""
