"""Runs a command in a pseudo-terminal of a given width and returns what a person would see.

Usage as a module: ``run(argv, cols=80, signal_after=None)`` -> (exit status, raw bytes, screen lines).
The screen is the output with carriage returns and erase-to-end applied (the last state of each line).
"""
import fcntl
import os
import pty
import select
import signal
import struct
import termios
import time


def screen(raw: bytes):
    lines, cur = [], ""
    text = raw.decode("utf-8", "replace").replace("\x1b[K", "").replace("\r\n", "\n")
    for ch in text:
        if ch == "\r":
            cur = ""  # the next characters overwrite the line (erase-to-end was sent with each redraw)
        elif ch == "\n":
            lines.append(cur)
            cur = ""
        else:
            cur += ch
    if cur:
        lines.append(cur)
    return lines


def run(argv, cols=80, rows=30, signal_after=None, timeout=120, env=None):
    pid, fd = pty.fork()
    if pid == 0:
        e = dict(os.environ if env is None else env)
        e.pop("COLUMNS", None)
        os.execvpe(argv[0], argv, e)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    os.kill(pid, signal.SIGWINCH)
    raw, start, sent = b"", time.time(), False
    while True:
        if signal_after is not None and not sent and time.time() - start > signal_after:
            os.kill(pid, signal.SIGINT)
            sent = True
        r, _, _ = select.select([fd], [], [], 0.1)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                break
            raw += data
        if time.time() - start > timeout:
            os.kill(pid, signal.SIGKILL)
            break
    _, status = os.waitpid(pid, 0)
    code = os.waitstatus_to_exitcode(status)
    return code, raw, screen(raw)
