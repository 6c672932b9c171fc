"""Files the package writes, as the engine writes them (host/io/output_file.hpp).

A regular file (or a new one) is written under a temporary name beside it and
renamed onto it when complete, so a failed write leaves nothing half-written. A
symbolic link is followed: the file it names is replaced, the link stays. A
device or FIFO (``/dev/null``, a named pipe) is written straight to: renaming
over it would replace the node.
"""
from __future__ import annotations

import contextlib
import os
import stat
from typing import IO, Iterator, Union


@contextlib.contextmanager
def output_file(path: Union[str, "os.PathLike[str]"], mode: str = "w") -> Iterator[IO]:
    """Opens ``path`` for writing (``mode`` ``"w"`` or ``"wb"``); the file is in place once the block ends."""
    target = os.path.realpath(os.fspath(path))
    try:
        st = os.stat(target)
    except FileNotFoundError:
        st = None
    if st is not None and stat.S_ISDIR(st.st_mode):
        raise IsADirectoryError(f"{os.fspath(path)}: is a directory, expected an output file name")
    if st is not None and not stat.S_ISREG(st.st_mode):
        with open(target, mode) as f:
            yield f
        return
    tmp = os.path.join(os.path.dirname(target), f".{os.path.basename(target)}.tmp-{os.getpid()}")
    try:
        with open(tmp, mode) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
