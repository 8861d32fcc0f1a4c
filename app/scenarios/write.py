"""Writing a file whole or not at all, keeping the permissions of the file it replaces."""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from pathlib import Path

# The kernel takes the umask off, as for any file the process creates (mkstemp would give 0600).
NEW_FILE_MODE = 0o666


def _temporary_beside(path: Path) -> tuple[int, Path]:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)
    for _ in range(100):
        candidate = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            return os.open(candidate, flags, NEW_FILE_MODE), candidate
        except FileExistsError:
            continue
    raise FileExistsError(f"cannot create a temporary file beside {path}")


def _take_over(descriptor: int, temporary: Path, old: os.stat_result) -> None:
    """Give the new file the owner and mode of the one it replaces (the owner only where allowed)."""
    if hasattr(os, "fchown"):
        current = os.fstat(descriptor)
        if (current.st_uid, current.st_gid) != (old.st_uid, old.st_gid):
            with contextlib.suppress(PermissionError):
                os.fchown(descriptor, old.st_uid, old.st_gid)
    os.chmod(temporary, stat.S_IMODE(old.st_mode))  # after chown, which may clear set-id bits


def _sync_directory(folder: Path) -> None:
    """Make the rename itself durable."""
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def write_atomically(path: Path, text: str) -> None:
    """Write through a temporary file, fsync and a rename, so a crash never leaves half a file."""
    try:
        old: os.stat_result | None = path.stat()
    except FileNotFoundError:
        old = None
    descriptor, temporary = _temporary_beside(path)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            if old is not None:
                _take_over(handle.fileno(), temporary, old)
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    _sync_directory(path.parent)
