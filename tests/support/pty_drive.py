#!/usr/bin/env python3
"""Runs a command under a pseudo-terminal, as an SSH session would: a controlling terminal of the
given size, nothing but the terminal for stdin/stdout/stderr.

    pty_drive.py [--cols 80] [--rows 24] [--wait-for TEXT] [--suspend signal|key] [--send TEXT]
                 [--signal TERM] [--stdin-null] [--ceiling 120] -- COMMAND...

It waits until the output contains TEXT (if given); with --suspend, stops the command (SIGTSTP,
or the key ctrl-z typed on the terminal), waits until it has stopped, notes the terminal's modes
then, continues it (SIGCONT) and waits for TEXT again; writes --send to the terminal (if given),
sends --signal (if given), then waits for the command to end and prints one JSON line:
{"code": exit code or null, "signal": signal or null, "output": everything the command wrote, as
latin-1 (one char per byte), "icanon": …, "echo": … (the terminal's modes after the command ended: a restored terminal is
back in canonical mode with echo), "timed_out": whether the ceiling was reached; with --suspend
also "stopped": whether it stopped, "stopped_icanon"/"stopped_echo": the modes while stopped,
"stopped_at": how many bytes it had written when it stopped}. --stdin-null gives it /dev/null
for stdin instead of the terminal.
Every wait is bounded by --ceiling seconds; the verdict is left to the caller.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cols", type=int, default=80)
    parser.add_argument("--rows", type=int, default=24)
    parser.add_argument("--wait-for", default=None)
    parser.add_argument("--send", default=None)
    parser.add_argument("--signal", default=None)
    parser.add_argument("--suspend", choices=["signal", "key"], default=None)
    parser.add_argument("--stdin-null", action="store_true")
    parser.add_argument("--ceiling", type=float, default=120)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", args.rows, args.cols, 0, 0))

    def controlling_terminal() -> None:
        fcntl.ioctl(1, termios.TIOCSCTTY, 0)

    stdin = subprocess.DEVNULL if args.stdin_null else slave
    child = subprocess.Popen(command, stdin=stdin, stdout=slave, stderr=slave, start_new_session=True,
                             preexec_fn=controlling_terminal, close_fds=True)
    output = bytearray()
    deadline = time.monotonic() + args.ceiling
    timed_out = False

    def pump(wait: float) -> bool:
        """Reads what the command wrote, if anything arrives within `wait`; says whether it did."""
        ready, _, _ = select.select([master], [], [], wait)
        if not ready:
            return False
        try:
            chunk = os.read(master, 65536)
        except OSError:
            return False
        output.extend(chunk)
        return bool(chunk)

    def wait_for(wanted: list[bytes], start: int) -> None:
        nonlocal timed_out
        while not all(w in output[start:] for w in wanted) and child.poll() is None:
            if time.monotonic() > deadline:
                timed_out = True
                break
            pump(0.2)

    if args.wait_for:
        wait_for([args.wait_for.encode()], 0)
    result = {}
    if args.suspend and child.poll() is None:
        if args.suspend == "signal":
            child.send_signal(signal.SIGTSTP)
        else:
            os.write(master, b"\x1a")
        stopped = False
        while not stopped and child.returncode is None and time.monotonic() < deadline:
            pid, status = os.waitpid(child.pid, os.WUNTRACED | os.WNOHANG)
            if pid and os.WIFSTOPPED(status):
                stopped = True
            elif pid:  # it ended instead: Popen must know, it cannot reap it again
                child.returncode = os.waitstatus_to_exitcode(status)
            else:
                pump(0.05)
        while pump(0.2):  # what it wrote before it stopped
            pass
        modes = termios.tcgetattr(slave)[3]
        result.update(stopped=stopped, stopped_icanon=bool(modes & termios.ICANON),
                      stopped_echo=bool(modes & termios.ECHO), stopped_at=len(output))
        if stopped:
            os.kill(child.pid, signal.SIGCONT)
            wanted = [b"\x1b[?1049h"] + ([args.wait_for.encode()] if args.wait_for else [])
            wait_for(wanted, len(output))
    if args.send and child.poll() is None:
        os.write(master, args.send.encode())
    if args.signal and child.poll() is None:
        child.send_signal(getattr(signal, "SIG" + args.signal))
    while child.poll() is None:
        if time.monotonic() > deadline:
            timed_out = True
            child.kill()
            break
        pump(0.2)
    child.wait()
    while pump(0.5):  # what is left in the terminal
        pass
    modes = termios.tcgetattr(slave)[3]
    code = child.returncode
    print(json.dumps({
        **result,
        "code": code if code >= 0 else None,
        "signal": -code if code < 0 else None,
        "output": bytes(output).decode("latin-1"),
        "icanon": bool(modes & termios.ICANON),
        "echo": bool(modes & termios.ECHO),
        "timed_out": timed_out,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
