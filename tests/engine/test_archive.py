"""The safe ZIP reader: hostile archives are refused as a whole or member by member, with messages naming them."""

from __future__ import annotations

import io
import stat
import zipfile

import pytest

from screening.engine.archive import ArchiveError, ArchiveLimits, MemberError, SafeZip, iter_members

BOM = b"Manufacturer,Qty\nNokia,2\n"


def make_zip(*members: tuple[str, bytes] | zipfile.ZipInfo, infos: dict | None = None) -> io.BytesIO:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
        for info, data in (infos or {}).items():
            archive.writestr(info, data)
    buffer.seek(0)
    return buffer


def members_by_name(buffer, **limits) -> dict:
    archive = SafeZip(buffer, filename="bids.zip", limits=ArchiveLimits(**limits) if limits else None)
    return {member.name: member for member in archive.members}


def test_ordinary_members_are_read_and_folders_left_out():
    buffer = make_zip(("Acme.csv", BOM), ("bids/Nordic Radio.xlsx", b"PK fake"), ("bids/", b""))

    read = {member.path: content.read() for member, content, error in iter_members(buffer, filename="bids.zip")}

    assert read == {"Acme.csv": BOM, "bids/Nordic Radio.xlsx": b"PK fake"}


def test_a_member_whose_path_goes_up_is_refused_and_the_others_are_read():
    buffer = make_zip(("../x.csv", BOM), ("ok.csv", BOM), ("a/../../y.csv", BOM), ("..\\z.csv", BOM))

    results = {member.name: (content, error) for member, content, error in iter_members(buffer, filename="bids.zip")}

    assert results["ok.csv"][1] is None
    for name in ("../x.csv", "a/../../y.csv", "..\\z.csv"):
        content, error = results[name]
        assert content is None
        assert str(error).startswith(f"{name}: points outside the archive")
        assert "make the archive again" in str(error)


@pytest.mark.parametrize("name", ["/etc/x", "C:/Windows/x.csv", "c:\\temp\\x.csv"])
def test_an_absolute_path_is_refused(name):
    member = members_by_name(make_zip((name, BOM)))[name]

    assert "has an absolute path" in member.error.message
    assert member.error.name == name


def test_a_symbolic_link_is_refused():
    link = zipfile.ZipInfo("Acme.csv")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = SafeZip(make_zip(("ok.csv", BOM), infos={link: b"/etc/passwd"}), filename="bids.zip")
    member = {m.name: m for m in archive.members}["Acme.csv"]

    with pytest.raises(MemberError, match="is a symbolic link; links in an archive are not followed"):
        archive.open(member)
    assert archive.read({m.name: m for m in archive.members}["ok.csv"]) == BOM


def test_a_nested_archive_is_refused():
    inner = make_zip(("Acme.csv", BOM)).getvalue()

    members = members_by_name(make_zip(("more bids.zip", inner), ("x.tar.gz", b"\x1f\x8b"), ("ok.csv", BOM)))

    assert "is an archive inside the archive" in members["more bids.zip"].error.message
    assert "Unpack it and put its files in the main archive" in members["more bids.zip"].error.message
    assert members["x.tar.gz"].error is not None
    assert members["ok.csv"].error is None


def test_too_many_members_refuse_the_whole_archive():
    buffer = make_zip(*[(f"bidder {i}.csv", BOM) for i in range(11)])

    with pytest.raises(ArchiveError) as raised:
        SafeZip(buffer, filename="bids.zip", limits=ArchiveLimits(max_members=10))

    assert str(raised.value) == (
        "bids.zip: holds 11 files; the limit is 10. Split them into archives of at most 10 files and upload each."
    )


def test_a_member_that_expands_too_far_is_refused_as_a_bomb():
    members = members_by_name(make_zip(("bomb.csv", b"0" * (20 * 1024 * 1024)), ("ok.csv", BOM)))

    message = members["bomb.csv"].error.message
    assert "would expand from" in message and "20.0 MB" in message and "the limit is 100" in message
    assert members["ok.csv"].error is None


def test_a_member_that_holds_more_than_it_declares_is_refused_while_unpacking():
    buffer = io.BytesIO(make_zip(("liar.csv", b"A" * 5000)).getvalue())
    data = bytearray(buffer.getvalue())
    # Lower the declared size in the central directory (and local header): zipfile stops there and the
    # checksum of what it read then fails, which must be a refusal, not a crash.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (100).to_bytes(4, "little")
    data[22:26] = (100).to_bytes(4, "little")
    archive = SafeZip(io.BytesIO(bytes(data)), filename="bids.zip")

    with pytest.raises(MemberError) as raised:
        archive.open(archive.members[0])

    assert raised.value.name == "liar.csv"
    assert "Make the archive again" in raised.value.message


def test_the_total_unpacked_size_is_limited():
    buffer = make_zip(*[(f"b{i}.csv", BOM * 100) for i in range(5)])

    with pytest.raises(ArchiveError, match=r"would unpack to 12\.\d KB; the limit is 10\.0 KB\. Split"):
        SafeZip(buffer, filename="bids.zip", limits=ArchiveLimits(max_total_bytes=10 * 1024))


def test_a_damaged_archive_is_refused_as_a_whole():
    data = make_zip(("Acme.csv", BOM)).getvalue()

    with pytest.raises(ArchiveError) as raised:
        SafeZip(io.BytesIO(data[: len(data) // 2]), filename="bids.zip")

    assert raised.value.message.startswith("is damaged and cannot be opened")
    assert "Make the archive again" in raised.value.message


def test_a_member_with_a_broken_body_is_refused_and_the_next_is_read():
    data = bytearray(make_zip(("broken.csv", BOM * 50), ("ok.csv", BOM)).getvalue())
    data[40:60] = b"\xff" * 20  # inside broken.csv's compressed data
    results = [
        (member.name, content.read() if content else None, error)
        for member, content, error in iter_members(io.BytesIO(bytes(data)), filename="bids.zip")
    ]

    (first, nothing, error), (second, content, none) = results
    assert (first, second) == ("broken.csv", "ok.csv")
    assert nothing is None
    assert error.message.startswith("cannot be unpacked: the archive is damaged (")
    assert none is None and content == BOM


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "bids.zip: is empty (0 bytes). Upload the archive again."),
        (b"Manufacturer,Qty\nNokia,2\n", "bids.zip: is not a ZIP archive. Put the BOM files in a .zip archive"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "bids.zip: is not a ZIP archive."),
    ],
)
def test_what_is_not_a_zip_is_refused(data, message):
    with pytest.raises(ArchiveError) as raised:
        SafeZip(io.BytesIO(data), filename="bids.zip")

    assert str(raised.value).startswith(message)


def test_duplicate_names_are_refused_every_time_they_appear():
    buffer = io.BytesIO()
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("Acme.csv", BOM)
        archive.writestr("Acme.csv", b"Manufacturer\nHuawei\n")
        archive.writestr("./Nordic.csv", BOM)
        archive.writestr("Nordic.csv", BOM)
    archive = SafeZip(buffer, filename="bids.zip")

    assert [m.error.message.split(",")[0] for m in archive.members] == ["appears 2 times in the archive"] * 4


def test_a_password_protected_member_is_refused():
    data = bytearray(make_zip(("secret.csv", BOM)).getvalue())
    central = data.rfind(b"PK\x01\x02")
    data[central + 8] |= 0x1  # zipfile cannot write encrypted members: set the flag as an encrypting tool does
    data[6] |= 0x1
    members = members_by_name(io.BytesIO(bytes(data)))

    assert "is protected by a password" in members["secret.csv"].error.message


def test_junk_from_file_managers_is_recognised():
    members = members_by_name(make_zip(("__MACOSX/._Acme.csv", b"x"), (".DS_Store", b"x"), ("Acme.csv", BOM)))

    assert [name for name, member in members.items() if member.is_junk] == ["__MACOSX/._Acme.csv", ".DS_Store"]
    assert (members["Acme.csv"].stem, members["Acme.csv"].suffix) == ("Acme", ".csv")
