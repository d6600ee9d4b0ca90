"""A tenant's data files through the API: listed, read, written whole, deleted, and kept inside the tenant."""

from __future__ import annotations

from service import Api


def test_the_imported_data_files_are_listed_and_readable(api: Api) -> None:
    """The examples' CSV files are the tenant's data files."""
    listed = {f["path"]: f for f in api.get("/api/files").json()["files"]}
    assert {"data/tickets.csv", "testing/bank.toml"} <= set(listed)
    content = api.get("/api/files/data/tickets.csv").content
    assert content.startswith(b"ticket") and listed["data/tickets.csv"]["size"] == len(content)


def test_a_new_csv_is_what_lookups_read_next(api: Api) -> None:
    """Replacing tickets.csv changes what the hotline's case lookup finds, on the next simulated call."""
    original = api.get("/api/files/data/tickets.csv").text
    header = original.split("\n", 1)[0]
    written = api.put(
        "/api/files/data/tickets.csv",
        content=(header + "\n" + "99999999," + ",".join(["x"] * (header.count(",") - 1)) + ",resolved\n").encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert written.status_code == 200, written.text
    body = {"at": "2026-11-20T10:00", "input": ["dtmf:2", "dtmf:1", "dtmf:20261001#", "hangup"]}
    events = api.post("/api/flows/hotline_12345/simulate", json=body).json()["events"]
    lookup = next(e for e in events if e["event"] == "lookup")
    assert lookup["result"] == "not_found"  # 20261001 is no longer in the file
    entry = api.get("/api/audit").json()["entries"][0]
    assert (entry["action"], entry["target"]) == ("file.write", "data/tickets.csv")


def test_paths_outside_the_tenants_files_are_refused(api: Api) -> None:
    """No `..`, no hidden files, nothing but plain names."""
    for path in ("../callflow.db", "data/../../callflow.db", ".hidden", "data/.x", "a%2F..%2Fb"):
        answer = api.put(f"/api/files/{path}", content=b"x", headers={"Content-Type": "text/csv"})
        assert answer.status_code in (404, 422), (path, answer.status_code)
    assert api.get("/api/files/../callflow.db").status_code in (404, 422)


def test_only_admins_touch_data_files(api: Api) -> None:
    """Data files may hold callers' data: editors and viewers neither read nor write them."""
    assert api.get("/api/files", "editor").status_code == 403
    assert api.put("/api/files/data/x.csv", "editor", content=b"a\n").status_code == 403


def test_deleting_a_file(api: Api) -> None:
    """A deleted file is gone; deleting it again is a 404."""
    assert api.put("/api/files/notes/a.csv", content=b"a,b\n1,2\n").status_code == 200
    assert api.request("DELETE", "/api/files/notes/a.csv").status_code == 204
    assert api.request("DELETE", "/api/files/notes/a.csv").status_code == 404
