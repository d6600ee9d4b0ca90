"""A tenant's data files: the CSV and SQLite files its lookups read, and the environments its tests name."""

from __future__ import annotations

from typing import Any

from starlette.responses import FileResponse, Response

from callflow.runtime.api.errors import ApiError
from callflow.runtime.api.operation import Call, Operation
from callflow.runtime.api.schemas import INTEGER, STRING, array, obj
from callflow.runtime.service import files
from callflow.runtime.store.users import Role

PATH = {
    "path": {"type": "string", "pattern": f"^{files.PART.pattern}(/{files.PART.pattern}){{0,{files.MAX_DEPTH - 1}}}$"}
}
FILE = obj({"path": STRING, "size": INTEGER, "modified": {"type": "number"}})


def list_files(call: Call) -> dict[str, Any]:
    """Every data file of the tenant."""
    return {"files": [f.__dict__ for f in files.listing(call.workspace)]}


def get_file(call: Call) -> FileResponse:
    """One data file's content."""
    path = files.located(call.workspace, str(call.params["path"]))
    if not path.is_file():
        raise ApiError(404, "not_found", f"there is no data file {call.params['path']!r}")
    return FileResponse(path, media_type="application/octet-stream")


def put_file(call: Call) -> dict[str, Any]:
    """Write a data file (the body is its content, as it is)."""
    return files.write(call.workspace, str(call.params["path"]), call.body, call.actor).__dict__


def delete_file(call: Call) -> Response:
    """Delete a data file."""
    files.remove(call.workspace, str(call.params["path"]), call.actor)
    return Response(status_code=204)


OPERATIONS = (
    Operation(
        "GET",
        "/api/files",
        "The tenant's data files",
        list_files,
        "files",
        role=Role.admin,
        response=obj({"files": array(FILE)}),
    ),
    Operation(
        "GET",
        "/api/files/{path:path}",
        "A data file's content",
        get_file,
        "files",
        role=Role.admin,
        produces=("application/octet-stream",),
        path_params=PATH,
        errors=(404, 422),
    ),
    Operation(
        "PUT",
        "/api/files/{path:path}",
        "Write a data file (CSV, SQLite...) whole",
        put_file,
        "files",
        role=Role.admin,
        binary=True,
        path_params=PATH,
        response=FILE,
        errors=(422,),
    ),
    Operation(
        "DELETE",
        "/api/files/{path:path}",
        "Delete a data file",
        delete_file,
        "files",
        role=Role.admin,
        status=204,
        path_params=PATH,
        errors=(404, 422),
    ),
)
