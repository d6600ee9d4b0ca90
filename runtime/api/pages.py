"""The designer's built files at `/` (any path that is not a file is the app's own route: its index page), with
headers that keep the page to its own origin."""

from __future__ import annotations

from pathlib import Path

from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

DESIGNER = Path(__file__).resolve().parents[2] / "designer" / "dist"

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
    "media-src 'self' blob:; worker-src 'self' blob:; connect-src 'self'; font-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
"""No inline scripts and no `eval` (the forms' validators are compiled ahead), nothing from other origins."""


class DesignerFiles(StaticFiles):
    """The designer's files; unknown paths get its index page, so its own routes survive a reload."""

    async def get_response(self, path: str, scope: Scope) -> Response:
        try:
            return await super().get_response(path, scope)
        except HTTPException as error:
            if error.status_code != 404:
                raise
        index = Path(str(self.directory)) / "index.html"
        return FileResponse(index)


def designer_app(folder: Path = DESIGNER) -> ASGIApp:
    """The designer's files, or a note saying how to build them."""
    files = DesignerFiles(directory=folder, html=True) if (folder / "index.html").is_file() else None

    async def serve(scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http":
            return
        if path.startswith("/api/") or path == "/api":
            note = {"error": "not_found", "detail": f"there is nothing at {path}"}
            await JSONResponse(note, status_code=404)(scope, receive, send)
        elif scope["method"] not in ("GET", "HEAD"):
            note = {"error": "method_not_allowed", "detail": f"{scope['method']} is not allowed on {path}"}
            await JSONResponse(note, status_code=405, headers={"Allow": "GET, HEAD"})(scope, receive, send)
        elif files is None:
            note = {"error": "no_designer", "detail": "the designer is not built: run `make setup`"}
            await JSONResponse(note, status_code=404)(scope, receive, send)
        else:
            await files(scope, receive, send)

    return serve


class SecurityHeaders:
    """Headers on every answer: a content security policy, no sniffing, no framing, no referrer to other sites."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", POLICY)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)
