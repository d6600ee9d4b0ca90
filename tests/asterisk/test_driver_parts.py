"""The driver's small parts: AMI addresses, the AsyncAGI `Env`, AGI arguments, the live store, the clock."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
import trustme

from callflow.runtime.asterisk.address import AddressError, AmiAddress
from callflow.runtime.asterisk.agi import argument
from callflow.runtime.asterisk.service import agi_environment
from callflow.runtime.records import SqliteStore
from callflow.runtime.wallclock import WallClock


def test_address_is_parsed_with_its_defaults() -> None:
    address = AmiAddress.parse("ami://callflow:s%40cret@127.0.0.1")
    assert (address.host, address.port, address.username, address.secret) == ("127.0.0.1", 5038, "callflow", "s@cret")
    assert address.loopback and address.warning() is None
    assert "s@cret" not in str(address)
    assert AmiAddress.parse("amis://u:p@pbx.example.com").port == 5039


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://u:p@host", "starts with ami://"),
        ("ami://host:5038", "needs the manager user"),
        ("ami://u:p@host:port", "bad port"),
        ("ami://u:p@", "names no host"),
        ("amis://u:p@host?verify=no", r"unknown parameter 'verify' \(the only one is cafile=\)"),
        ("amis://u:p@host?cafile=", "cafile= in the AMI address names no file"),
        ("amis://u:p@host?cafile=/a.pem&cafile=/b.pem", "names cafile= twice"),
        ("ami://u:p@host?cafile=/etc/ca.pem", r"cafile= is for amis:// \(TLS\); an ami:// address is plain TCP"),
        ("amis://u:p@host?cafile=/nonexistent/ca.pem", "cannot read the CA file /nonexistent/ca.pem: No such file"),
    ],
)
def test_bad_addresses_say_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(AddressError, match=message):
        AmiAddress.parse(url)


def test_a_tls_address_names_the_ca_that_signed_asterisk(tmp_path: Path) -> None:
    """`?cafile=` (percent-encoded or not) is kept and shown; the secret is not."""
    ca_path = tmp_path / "asterisk ca.pem"
    trustme.CA().cert_pem.write_to_path(str(ca_path))
    address = AmiAddress.parse(f"amis://callflow:s%40cret@pbx.example.com?cafile={quote(str(ca_path))}")
    assert (address.tls, address.port, address.cafile) == (True, 5039, str(ca_path))
    assert str(address) == f"amis://callflow:***@pbx.example.com:5039?cafile={quote(str(ca_path))}"
    assert AmiAddress.parse("amis://u:p@pbx.example.com").cafile is None  # the system's CAs


def test_a_ca_file_that_holds_no_certificate_is_refused(tmp_path: Path) -> None:
    """A file that is not a PEM certificate (the CA's key copied by mistake) or a folder is refused."""
    trustme.CA().private_key_pem.write_to_path(str(tmp_path / "ca.key"))
    with pytest.raises(AddressError, match=f"the CA file {tmp_path}/ca.key holds no PEM certificate"):
        AmiAddress.parse(f"amis://u:p@host?cafile={tmp_path}/ca.key")
    with pytest.raises(AddressError, match=f"cannot read the CA file {tmp_path}: Is a directory"):
        AmiAddress.parse(f"amis://u:p@host?cafile={tmp_path}")


def test_plain_ami_across_a_network_is_warned_about() -> None:
    warning = AmiAddress.parse("ami://u:p@10.0.0.5:5038").warning()
    assert warning is not None and "neither loopback nor TLS" in warning
    assert AmiAddress.parse("amis://u:p@10.0.0.5").warning() is None
    assert AmiAddress.parse("ami://u:p@localhost").warning() is None


def test_agi_environment_is_decoded_as_recorded() -> None:
    # The start of dtmf-menu's recorded `Env` header (percent-encoded, one `agi_name: value` per line).
    env = agi_environment(
        "agi_request%3A%20async%0Aagi_channel%3A%20Local%2Fs%40callflow-00000000%3B2%0Aagi_callerid%3A%205551234"
        "%0Aagi_calleridname%3A%20Lab%20Caller%0Aagi_accountcode%3A%20%0A%0A"
    )
    assert env == {
        "agi_request": "async",
        "agi_channel": "Local/s@callflow-00000000;2",
        "agi_callerid": "5551234",
        "agi_calleridname": "Lab Caller",
        "agi_accountcode": "",
    }


@pytest.mark.parametrize("value", ["a b", 'x"y', "a\\b", "line\nbreak", "tab\there"])
def test_agi_arguments_that_could_split_are_refused(value: str) -> None:
    with pytest.raises(ValueError, match="unsafe AGI argument"):
        argument(value)


def test_agi_arguments_without_separators_pass() -> None:
    assert argument("support,c,,,20") == "support,c,,,20"
    assert argument("/var/spool/callflow/prompts/0a1b") == "/var/spool/callflow/prompts/0a1b"


def test_store_keeps_voicemail_and_values_in_sqlite(tmp_path: Path) -> None:
    path = tmp_path / "records" / "calls.sqlite"
    store = SqliteStore(path)
    message = {"mailbox": "mayor", "caller": "13800000000", "time": "2026-11-23T10:00:00+08:00", "seconds": 4.5}
    store.save_voicemail({**message, "language": "zh-CN", "file": "/r/1.wav", "unread": True, "call_id": "c1"})
    store.save_values("c1", {"rating": "3"})
    store.save_values("c1", {"rating": "2", "misses": 1})
    store.close()
    again = SqliteStore(path)  # a new process finds everything
    (saved,) = again.voicemails()
    assert saved["mailbox"] == "mayor" and saved["seconds"] == 4.5 and saved["unread"] == 1
    assert again.values("c1") == {"rating": "2", "misses": 1}
    again.close()


def test_wall_clock_reads_the_zone_and_counts_from_the_call_start() -> None:
    clock = WallClock("Asia/Shanghai")
    assert clock.now().utcoffset() == timedelta(hours=8)

    async def wait() -> float:
        await clock.sleep(0.02)
        return clock.elapsed()

    assert 0.02 <= asyncio.run(wait()) < 1
