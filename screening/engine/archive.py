"""Reads ZIP archives that people upload, member by member, refusing whatever could hurt the server.

Plain Python, no Django. `SafeZip` checks the archive as a whole when it is opened (`ArchiveError`: nothing in it
is taken) and each member on its own (`MemberError` on that member: the others are still read). Every message
names the archive or the member and says what to do.
"""

from __future__ import annotations

import re
import stat
import struct
import tempfile
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import BinaryIO

from screening.engine.records import FileSize, Message, as_message, file_size, gettext_noop

MiB = 1024 * 1024

# Archives inside the archive are never unpacked: one level only, so a bomb cannot hide a level down.
NESTED_ARCHIVE_SUFFIXES = frozenset({
    ".zip", ".zipx", ".7z", ".rar", ".tar", ".gz", ".tgz", ".bz2", ".tbz", ".tbz2", ".xz", ".txz", ".zst",
    ".lz", ".lzma", ".z", ".cab", ".arj", ".jar", ".war", ".iso",
})
# Files that archivers and file managers add on their own; nobody means to upload them.
_JUNK_NAMES = frozenset({"thumbs.db", "desktop.ini", ".ds_store"})
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_REMAKE = Message(gettext_noop(
    "Make the archive again (your system's \"Compress\" or \"Send to > Compressed folder\") and upload it."
))
_READ_CHUNK = MiB
# What zipfile raises on damaged archives besides BadZipFile (odd versions, methods, names, offsets).
_ZIP_DAMAGE = (
    zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, ValueError,
    EOFError, OverflowError, zlib.error, struct.error, KeyError,
)


@dataclass(frozen=True)
class ArchiveLimits:
    max_members: int = 500  # files in the archive (folders are not counted)
    max_member_bytes: int = 100 * MiB  # one member, uncompressed
    max_total_bytes: int = 1024 * MiB  # every member together, uncompressed
    max_compression_ratio: int = 100  # uncompressed / compressed size of one member
    ratio_exempt_bytes: int = MiB  # members smaller than this cannot hurt, whatever their ratio


class ArchiveError(Exception):
    """The archive as a whole cannot be read; nothing in it is taken. `text` is the message with its template,
    `message` its English text, str() the English text after the archive's name."""

    def __init__(self, message: Message | str, *, filename: str):
        self.text = as_message(message)
        self.message = str(self.text)
        super().__init__(self.message)
        self.filename = filename

    @property
    def located_text(self) -> Message:
        return Message.join([self.filename, self.text], ": ")

    def __str__(self) -> str:
        return str(self.located_text)


class MemberError(Exception):
    """One member of the archive is refused; the other members are read all the same. `text`, `message` and str()
    as for ArchiveError, with the member's name."""

    def __init__(self, name: str, message: Message | str):
        self.text = as_message(message)
        self.message = str(self.text)
        super().__init__(self.message)
        self.name = name

    @property
    def located_text(self) -> Message:
        return Message.join([self.name, self.text], ": ")

    def __str__(self) -> str:
        return str(self.located_text)


@dataclass(frozen=True)
class ArchiveMember:
    name: str  # as written in the archive
    path: str  # with forward slashes and without "." parts; "" when the name cannot be made safe
    size: int  # uncompressed, as the archive declares it
    compressed_size: int
    error: MemberError | None = None  # why it is refused; None when it may be opened
    index: int = 0  # its place in the archive, for telling apart members with the same name

    @property
    def basename(self) -> str:
        return PurePosixPath(self.path or self.name.replace("\\", "/")).name

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.basename).suffix.lower()

    @property
    def stem(self) -> str:
        return PurePosixPath(self.basename).stem

    @property
    def is_junk(self) -> bool:
        """Folders and files that Finder, Explorer and archivers add by themselves (__MACOSX/, .DS_Store)."""
        parts = self.path.split("/") if self.path else []
        return bool(parts) and (
            parts[0] == "__MACOSX" or self.basename.lower() in _JUNK_NAMES or self.basename.startswith("._")
        )


def _size(n: float) -> FileSize:
    return file_size(n)


_DRIVE = re.compile(r"^[A-Za-z]:")


def _safe_path(name: str) -> tuple[str, Message | None]:
    """(normalised path, None) or ("", why the name is refused)."""
    unix = name.replace("\\", "/")  # some Windows tools write backslashes, which extractors there follow
    if unix.startswith("/") or _DRIVE.match(unix):
        return "", Message(gettext_noop(
            "has an absolute path, which could write anywhere on a computer that unpacks it; refused. "
            "Put the file in the archive with a path relative to its top folder."
        ))
    parts = [part for part in unix.split("/") if part not in ("", ".")]
    if ".." in parts:
        return "", Message(gettext_noop(
            "points outside the archive (its path goes up with \"..\"); refused. "
            "Put the file inside the archive's own folders and make the archive again."
        ))
    if any(ord(char) < 32 for char in unix):
        return "", Message(gettext_noop(
            "has control characters in its name; refused. Rename the file and make the archive again."
        ))
    return "/".join(parts), None


def _file_type_problem(info: zipfile.ZipInfo) -> Message | None:
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if kind in (0, stat.S_IFREG, stat.S_IFDIR):
        return None
    if kind == stat.S_IFLNK:
        return Message(gettext_noop(
            "is a symbolic link; links in an archive are not followed. "
            "Put the file itself in the archive instead of a link to it."
        ))
    return Message(gettext_noop(
        "is not a regular file (a device, pipe or socket); refused. Put only ordinary files in the archive."
    ))


class SafeZip:
    """A ZIP archive opened for reading, checked as a whole; `members` says which members may be opened.

    `open(member)` unpacks one member to a temporary file, counting the bytes it really holds, not those it
    declares. Folders are left out of `members`.
    """

    def __init__(self, fileobj: BinaryIO, *, filename: str, limits: ArchiveLimits | None = None):
        self.filename = filename
        self.limits = limits or ArchiveLimits()
        self._fileobj = fileobj
        self._extracted = 0
        try:
            fileobj.seek(0)
            head = fileobj.read(4)
        except (OSError, ValueError) as error:
            raise ArchiveError(Message(gettext_noop("cannot be read ({detail}). Upload it again."),
                                       {"detail": str(error)}), filename=filename) from error
        if not head:
            raise ArchiveError(
                Message(gettext_noop("is empty (0 bytes). Upload the archive again.")), filename=filename
            )
        if not head.startswith(_ZIP_MAGICS):
            raise ArchiveError(
                Message(gettext_noop("is not a ZIP archive. Put the BOM files in a .zip archive and upload that.")),
                filename=filename,
            )
        try:
            fileobj.seek(0)
            self._zip = zipfile.ZipFile(fileobj)
            infos = self._zip.infolist()
        except _ZIP_DAMAGE as error:
            raise ArchiveError(Message(gettext_noop("is damaged and cannot be opened ({detail}). {hint}"),
                                       {"detail": str(error), "hint": _REMAKE}), filename=filename) from error
        self._infos: dict[int, zipfile.ZipInfo] = {}
        files = [(index, info) for index, info in enumerate(infos) if not info.is_dir()]
        limits = self.limits
        if len(files) > limits.max_members:
            raise ArchiveError(
                Message(gettext_noop(
                    "holds {count} files; the limit is {limit}. Split them into archives of at most {limit} files and "
                    "upload each."
                ), {"count": len(files), "limit": limits.max_members}),
                filename=filename,
            )
        total = sum(info.file_size for _index, info in files)
        if total > limits.max_total_bytes:
            raise ArchiveError(
                Message(gettext_noop(
                    "would unpack to {size}; the limit is {limit}. Split the files into several smaller archives and "
                    "upload each."
                ), {"size": _size(total), "limit": _size(limits.max_total_bytes)}),
                filename=filename,
            )
        self.members: list[ArchiveMember] = []
        for index, info in files:
            path, problem = _safe_path(info.filename)
            if not problem and stat.S_ISDIR(info.external_attr >> 16):
                continue  # a folder entry without the trailing slash
            problem = problem or self._member_problem(info, path)
            self._infos[index] = info
            self.members.append(ArchiveMember(
                name=info.filename,
                path=path,
                size=info.file_size,
                compressed_size=info.compress_size,
                error=MemberError(info.filename, problem) if problem is not None else None,
                index=index,
            ))
        counts = Counter(member.path for member in self.members if member.path)
        self.members = [
            ArchiveMember(
                name=m.name, path=m.path, size=m.size, compressed_size=m.compressed_size, index=m.index,
                error=MemberError(m.name, Message(gettext_noop(
                    "appears {count} times in the archive, so which one is meant is unclear; refused. "
                    "Keep one copy (or rename the others) and make the archive again."
                ), {"count": counts[m.path]})),
            )
            if m.error is None and counts[m.path] > 1 else m
            for m in self.members
        ]

    def _member_problem(self, info: zipfile.ZipInfo, path: str) -> Message | None:
        limits = self.limits
        problem = _file_type_problem(info)
        if problem is not None:
            return problem
        if info.flag_bits & 0x1:
            return Message(gettext_noop(
                "is protected by a password; add it to the archive without one and upload the archive again."
            ))
        if PurePosixPath(path).suffix.lower() in NESTED_ARCHIVE_SUFFIXES:
            return Message(gettext_noop(
                "is an archive inside the archive; archives are unpacked one level only. "
                "Unpack it and put its files in the main archive directly."
            ))
        if info.file_size > limits.max_member_bytes:
            return Message(gettext_noop("is {size} unpacked; the limit is {limit}. Split it into smaller files."),
                           {"size": _size(info.file_size), "limit": _size(limits.max_member_bytes)})
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits.ratio_exempt_bytes and ratio > limits.max_compression_ratio:
            return Message(gettext_noop(
                "would expand from {compressed} to {size} ({ratio} times; the limit is {limit}), as a ZIP bomb does; "
                "refused. If it is a genuine file, upload it on its own instead of in the archive."
            ), {"compressed": _size(info.compress_size), "size": _size(info.file_size), "ratio": round(ratio),
                "limit": limits.max_compression_ratio})
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA):
            return Message(gettext_noop(
                "uses compression method {method}, which cannot be read here. "
                "Make the archive again with ordinary (deflate) compression."
            ), {"method": str(info.compress_type)})
        return None

    def __iter__(self) -> Iterator[ArchiveMember]:
        return iter(self.members)

    def open(self, member: ArchiveMember) -> BinaryIO:
        """The member's bytes in a temporary file (positioned at the start); raises its MemberError if refused."""
        if member.error is not None:
            raise member.error
        info = self._infos[member.index]
        limit = min(member.size, self.limits.max_member_bytes)
        out = tempfile.SpooledTemporaryFile(max_size=8 * MiB)  # noqa: SIM115 - handed to the caller
        written = 0
        try:
            with self._zip.open(info) as source:
                while chunk := source.read(_READ_CHUNK):
                    written += len(chunk)
                    self._extracted += len(chunk)
                    if written > limit:
                        raise MemberError(member.name, Message(gettext_noop(
                            "holds more than the {size} it declares; refused as unsafe. {hint}"
                        ), {"size": _size(member.size), "hint": _REMAKE}))
                    if self._extracted > self.limits.max_total_bytes:
                        raise MemberError(member.name, Message(gettext_noop(
                            "is past the limit of {limit} for the whole archive unpacked. Split the files into several "
                            "smaller archives and upload each."
                        ), {"limit": _size(self.limits.max_total_bytes)}))
                    out.write(chunk)
        except MemberError:
            out.close()
            raise
        except _ZIP_DAMAGE as error:
            out.close()
            message = Message(gettext_noop("cannot be unpacked: the archive is damaged ({detail}). {hint}"),
                              {"detail": str(error), "hint": _REMAKE})
            raise MemberError(member.name, message) from error
        out.seek(0)
        return out

    def read(self, member: ArchiveMember) -> bytes:
        with self.open(member) as handle:
            return handle.read()

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def iter_members(
    fileobj: BinaryIO, *, filename: str, limits: ArchiveLimits | None = None
) -> Iterator[tuple[ArchiveMember, BinaryIO | None, MemberError | None]]:
    """Every file in the archive as (member, its content, None) or (member, None, why it is refused).

    Raises ArchiveError when the archive as a whole cannot be read. Each content is closed when the next
    member is taken.
    """
    with SafeZip(fileobj, filename=filename, limits=limits) as archive:
        for member in archive.members:
            try:
                content = archive.open(member)
            except MemberError as error:
                yield member, None, error
                continue
            try:
                yield member, content, None
            finally:
                content.close()


__all__ = [
    "NESTED_ARCHIVE_SUFFIXES",
    "ArchiveError",
    "ArchiveLimits",
    "ArchiveMember",
    "MemberError",
    "SafeZip",
    "iter_members",
]
