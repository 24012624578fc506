"""Where a file found by walking a folder may be opened from: symbolic links out of it.

``ingest dir/`` must not store ``dir/passwd.txt -> /etc/passwd``. ``files.walk`` reports
such a link when it lists the folder; ``open_inside`` checks again the file actually opened,
since a link can be put in place of a listed file (or of a folder above it) between the
listing and the reading. Sidecars (``<file>.meta.json``) are opened under the same rule.
``--follow-symlinks`` (``IngestSettings.follow_symlinks``) turns both checks off.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import BinaryIO

LINK_OUT = "a symbolic link to a file outside the folder; skipped (--follow-symlinks reads it)"
LINK_FOLDER = "a symbolic link to a folder; not walked into (--follow-symlinks walks it)"
LINK_LOOP = "a symbolic link to a folder already walked; not walked again"


class OutsideFolder(OSError):
    """The file opened is not inside the folder it was found in by walking it: a symbolic
    link (to it, or to a folder above it) put in place after the folder was listed."""


def open_inside(path: Path, inside: Path | None) -> BinaryIO:
    """``path`` opened for reading. With ``inside`` (the real path of the folder the file was
    found in by walking it), the file actually opened must lie in that folder, or
    ``OutsideFolder`` is raised: the check is made on the opened file, not on its name, so a
    link put in place of a listed file (or of a folder above it) between the listing and the
    reading reads nothing outside. ``inside`` None opens whatever the name leads to (a file
    named by the user, or ``--follow-symlinks``)."""
    handle = path.open("rb")
    if inside is None:
        return handle
    try:
        real = _opened_path(handle, path)
    except OSError:
        handle.close()
        raise
    if real is None or not real.is_relative_to(inside):
        handle.close()
        raise OutsideFolder(errno.EXDEV, LINK_OUT, str(path))
    return handle


def _opened_path(handle: BinaryIO, path: Path) -> Path | None:
    """The real path of the file ``handle`` holds open (None when it cannot be told): Linux
    names it in /proc; elsewhere the name's real path, when that is the very file opened."""
    fd = handle.fileno()
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        pass
    real = path.resolve()
    try:
        now = os.stat(real)
    except OSError:
        return None
    opened = os.fstat(fd)
    return real if (now.st_dev, now.st_ino) == (opened.st_dev, opened.st_ino) else None


def confinement(item: str, follow_symlinks: bool) -> Path | None:
    """The real path of ``item`` when it is a folder whose walked files must lie in it when
    they are opened (``open_inside``); None for a file or "-" (read where the name leads, as
    the user named it) and with ``follow_symlinks``."""
    if follow_symlinks or item == "-" or not Path(item).is_dir():
        return None
    return Path(item).resolve()


def sidecar_confinement(
    path: Path | None, inside: Path | None, follow_symlinks: bool
) -> Path | None:
    """The real path of the folder the sidecar of ``path`` must lie in when it is opened:
    the walked folder ``inside``, or the folder of a file the user named (a sidecar that is
    a link to elsewhere is metadata nobody named); None with ``follow_symlinks``."""
    if path is None or follow_symlinks:
        return None
    return inside if inside is not None else path.parent.resolve()
