"""How the project's test servers stop: when the test harness that started them closes their
stdin (it died or finished), so no server outlives its test."""

import os
import stat
import sys
import threading


def stdin_is_watchable() -> bool:
    """Whether stdin is a pipe, socket or terminal whose end means the harness is gone."""
    try:
        mode = os.fstat(sys.stdin.fileno()).st_mode
    except (OSError, ValueError, AttributeError):
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISCHR(mode) and sys.stdin.isatty()


def watch_stdin(stop: threading.Event) -> None:
    """Sets `stop` once stdin reaches end-of-file."""
    try:
        while sys.stdin.buffer.read1(4096):
            pass
    except (OSError, ValueError):
        pass
    stop.set()
