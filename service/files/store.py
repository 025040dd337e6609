"""Firmware images and diagnostics uploads on the service's disk.

A pole fetches its firmware and drops its diagnostics over plain HTTP, often on a
slow mobile link that may break half-way; an operator uploads an image that may be
too large or arrive on a full disk. So nothing is ever written in place: every body
streams into a temporary file beside the store and is renamed into place (atomic on
one file system) only once it is complete and within its size limit. A failure
removes the partial file and says what was wrong; what was stored before is untouched.

Firmware is content-addressed (``firmware/<sha256>/<original name>``): the hash names
exactly one image, so a pole's download URL cannot silently start meaning other bytes,
and it is long enough to serve as the capability that lets poles download without a
bearer token (OCPP 1.6 poles cannot send one). Diagnostics live per pole
(``diagnostics/<pole>/<file name>``). A signed package whose signature the service verified
is kept whole as well (``packages/<image sha256>.zip``), its image hosted as any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import AsyncIterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import sqlalchemy as sa
from platformdirs import user_data_dir
from sqlalchemy import exc as sa_exc

FIRMWARE_LIMIT = 64 * 1024 * 1024
DIAGNOSTICS_LIMIT = 32 * 1024 * 1024
WRITE_BLOCK = 1024 * 1024
"""Bodies are written in blocks of this size: one thread hop per block, not per chunk."""

_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._+-]{0,119}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_INCOMING = ".incoming"


class FileStoreError(Exception):
    """A file was refused or could not be stored; the HTTP status and code say which."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(f"{error}: {description}")
        self.status = status
        self.error = error
        self.description = description


@dataclass(frozen=True)
class FirmwareImage:
    name: str
    sha256: str
    size: int
    uploaded: datetime

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "sha256": self.sha256, "size": self.size,
                "uploaded": self.uploaded.isoformat()}


@dataclass(frozen=True)
class DiagnosticsFile:
    pole_id: str
    name: str
    size: int
    received: datetime

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "size": self.size, "received": self.received.isoformat()}


def default_files_dir(db_url: str) -> Path:
    """``files`` beside an SQLite database file, else in the user data directory.

    Beside the database, so a service's files and its records move (and are backed
    up, and are thrown away with a test's temporary directory) together.
    """
    with contextlib.suppress(sa_exc.ArgumentError):
        parsed = sa.make_url(db_url)
        if parsed.get_backend_name() == "sqlite" and parsed.database not in (None, "",
                                                                              ":memory:"):
            return Path(str(parsed.database)).absolute().parent / "files"
    return Path(user_data_dir("paalwerk")) / "files"


def check_name(name: str, what: str) -> str:
    """A plain file name: it becomes a path component and a URL segment as it is."""
    if not _SAFE_NAME.fullmatch(name) or ".." in name:
        raise FileStoreError(422, "InvalidFileName",
                             f"{what} {name!r} is not a plain file name: use 1–120 letters, "
                             "digits, '.', '_', '+' or '-', starting with a letter or digit")
    return name


def is_sha256(text: str) -> bool:
    return bool(_SHA256.fullmatch(text))


def _megabytes(limit: int) -> str:
    return f"{limit / (1024 * 1024):g} MB"


def _disk_error(error: OSError, what: str) -> FileStoreError:
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return FileStoreError(507, "InsufficientStorage",
                              f"the service's disk is full: the {what} was not stored")
    return FileStoreError(500, "StorageError",
                          f"the {what} could not be stored: {error.strerror or error}")


def _discard(handle: IO[bytes], path: Path) -> None:
    with contextlib.suppress(OSError):
        handle.close()
    path.unlink(missing_ok=True)


def _modified(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC)


class FileStore:
    """The service's folder of hosted files (see the module docstring for the layout)."""

    def __init__(self, root: Path, *, firmware_limit: int = FIRMWARE_LIMIT,
                 diagnostics_limit: int = DIAGNOSTICS_LIMIT) -> None:
        self.root = root
        self.firmware_limit = firmware_limit
        self.diagnostics_limit = diagnostics_limit

    # ------------------------------------------------------------ firmware
    async def add_firmware(self, name: str, body: AsyncIterable[bytes],
                           declared_size: int | None = None) -> FirmwareImage:
        """Store an image; the same bytes uploaded again keep their first name."""
        check_name(name, "the firmware image name")
        self._check_declared(declared_size, self.firmware_limit, "firmware image")
        temp, sha256, size = await self._receive(body, self.firmware_limit, "firmware image")
        try:
            return await asyncio.to_thread(self._keep_firmware, temp, name, sha256, size)
        except OSError as error:
            raise _disk_error(error, "firmware image") from error
        finally:
            await asyncio.to_thread(temp.unlink, missing_ok=True)

    def _keep_firmware(self, temp: Path, name: str, sha256: str, size: int) -> FirmwareImage:
        folder = self.root / "firmware" / sha256
        existing = self._image_in(folder)
        if existing is not None:
            return existing
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / name
        temp.replace(target)
        return FirmwareImage(name, sha256, size, _modified(target))

    def _image_in(self, folder: Path) -> FirmwareImage | None:
        if not folder.is_dir():
            return None
        for path in sorted(folder.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                return FirmwareImage(path.name, folder.name, path.stat().st_size,
                                     _modified(path))
        return None

    async def firmware(self, sha256: str) -> FirmwareImage | None:
        if not is_sha256(sha256):
            return None
        return await asyncio.to_thread(self._image_in, self.root / "firmware" / sha256)

    async def list_firmware(self) -> list[FirmwareImage]:
        """Every stored image, newest upload first."""
        def scan() -> list[FirmwareImage]:
            base = self.root / "firmware"
            if not base.is_dir():
                return []
            found = [image for folder in base.iterdir() if is_sha256(folder.name)
                     if (image := self._image_in(folder)) is not None]
            return sorted(found, key=lambda image: image.uploaded, reverse=True)
        return await asyncio.to_thread(scan)

    async def firmware_path(self, sha256: str, name: str) -> Path | None:
        """The image file a pole asks for, if both hash and name match one."""
        image = await self.firmware(sha256)
        if image is None or image.name != name:
            return None
        return self.root / "firmware" / sha256 / name

    async def delete_firmware(self, sha256: str) -> bool:
        if not is_sha256(sha256):
            return False
        folder = self.root / "firmware" / sha256

        def remove() -> bool:
            if not folder.is_dir():
                return False
            shutil.rmtree(folder)
            return True
        return await asyncio.to_thread(remove)

    # ------------------------------------------------------------ signed packages
    async def add_package(self, sha256: str, data: bytes) -> Path:
        """Keep a verified firmware package as uploaded (``packages/<sha256>.zip``, by its
        image's hash), for whoever installs from the package itself (a technician over a
        pole's service port); a package kept before for that image stays."""
        if not is_sha256(sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        target = self.root / "packages" / f"{sha256}.zip"

        def keep() -> Path:
            if target.is_file():
                return target
            handle = self._open_temporary()
            temp = Path(handle.name)
            try:
                self._write(handle, data)
                self._finish(handle)
                target.parent.mkdir(parents=True, exist_ok=True)
                temp.replace(target)
            finally:
                _discard(handle, temp)
            return target
        try:
            return await asyncio.to_thread(keep)
        except OSError as error:
            raise _disk_error(error, "firmware package") from error

    async def package_path(self, sha256: str) -> Path | None:
        if not is_sha256(sha256):
            return None
        path = self.root / "packages" / f"{sha256}.zip"
        return path if await asyncio.to_thread(path.is_file) else None

    # ------------------------------------------------------------ diagnostics
    async def add_diagnostics(self, pole_id: str, name: str, body: AsyncIterable[bytes],
                              declared_size: int | None = None) -> DiagnosticsFile:
        """Store a pole's upload; an upload of the same name replaces the earlier one."""
        check_name(name, "the diagnostics file name")
        folder = self._pole_folder(pole_id)
        self._check_declared(declared_size, self.diagnostics_limit, "diagnostics file")
        temp, _, size = await self._receive(body, self.diagnostics_limit, "diagnostics file")
        target = folder / name

        def keep() -> DiagnosticsFile:
            folder.mkdir(parents=True, exist_ok=True)
            temp.replace(target)
            return DiagnosticsFile(pole_id, name, size, _modified(target))
        try:
            return await asyncio.to_thread(keep)
        except OSError as error:
            raise _disk_error(error, "diagnostics file") from error
        finally:
            await asyncio.to_thread(temp.unlink, missing_ok=True)

    async def list_diagnostics(self, pole_id: str) -> list[DiagnosticsFile]:
        """A pole's uploads, newest first."""
        folder = self._pole_folder(pole_id)

        def scan() -> list[DiagnosticsFile]:
            if not folder.is_dir():
                return []
            found = [DiagnosticsFile(pole_id, path.name, path.stat().st_size, _modified(path))
                     for path in folder.iterdir()
                     if path.is_file() and not path.name.startswith(".")]
            return sorted(found, key=lambda upload: upload.received, reverse=True)
        return await asyncio.to_thread(scan)

    async def diagnostics_path(self, pole_id: str, name: str) -> Path | None:
        if not _SAFE_NAME.fullmatch(name) or ".." in name:
            return None
        path = self._pole_folder(pole_id) / name
        return path if await asyncio.to_thread(path.is_file) else None

    def _pole_folder(self, pole_id: str) -> Path:
        """Pole ids are chosen by poles, so they are quoted before they name a folder."""
        folder = quote(pole_id, safe="-_.")
        if not pole_id or folder in (".", "..") or len(folder) > 200:
            raise FileStoreError(422, "InvalidPoleId",
                                 f"{pole_id!r} cannot name a pole's diagnostics folder")
        return self.root / "diagnostics" / folder

    # ------------------------------------------------------------ receiving a body
    @staticmethod
    def _check_declared(declared: int | None, limit: int, what: str) -> None:
        """Refuse at once what announces itself as too large (Content-Length)."""
        if declared is not None and declared > limit:
            raise FileStoreError(413, "TooLarge",
                                 f"the {what} ({declared} bytes) is larger than the "
                                 f"{_megabytes(limit)} limit")

    async def _receive(self, body: AsyncIterable[bytes], limit: int, what: str
                       ) -> tuple[Path, str, int]:
        """Stream ``body`` into a temporary file: ``(its path, SHA-256, size)``.

        On any failure — too large, disk full, the sender vanishing (cancellation) —
        the partial file is removed before the error goes on.
        """
        try:
            handle = await asyncio.to_thread(self._open_temporary)
        except OSError as error:
            raise _disk_error(error, what) from error
        path = Path(handle.name)
        digest = hashlib.sha256()
        size = 0
        block = bytearray()
        try:
            async for chunk in body:
                size += len(chunk)
                if size > limit:
                    raise FileStoreError(413, "TooLarge", f"the {what} is larger than the "
                                                          f"{_megabytes(limit)} limit")
                digest.update(chunk)
                block += chunk
                if len(block) >= WRITE_BLOCK:
                    await asyncio.to_thread(self._write, handle, bytes(block))
                    block.clear()
            if block:
                await asyncio.to_thread(self._write, handle, bytes(block))
            await asyncio.to_thread(self._finish, handle)
        except BaseException as error:
            # Synchronous on purpose: a close and an unlink are quick, and this also
            # runs when the task is being cancelled, where awaiting is not reliable.
            _discard(handle, path)
            if isinstance(error, OSError):
                raise _disk_error(error, what) from error
            raise
        return path, digest.hexdigest(), size

    def _open_temporary(self) -> IO[bytes]:
        incoming = self.root / _INCOMING
        incoming.mkdir(parents=True, exist_ok=True)
        return tempfile.NamedTemporaryFile(dir=incoming, prefix="upload-", delete=False)

    @staticmethod
    def _write(handle: IO[bytes], data: bytes) -> None:
        """One block to disk (its own method: a full disk is simulated by replacing it)."""
        handle.write(data)

    @staticmethod
    def _finish(handle: IO[bytes]) -> None:
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()

    def partial_files(self) -> list[Path]:
        """Temporary files left behind (none, unless the process died mid-upload)."""
        incoming = self.root / _INCOMING
        return sorted(incoming.iterdir()) if incoming.is_dir() else []
