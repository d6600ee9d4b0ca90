"""The flow service's HTTP API (Starlette): JSON in and out, every body validated, every error a JSON reason.

Each module holds the operations of one resource; `server.py` composes them into the application.
"""
