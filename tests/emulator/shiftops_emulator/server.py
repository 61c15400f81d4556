"""Process lifecycle: bind 127.0.0.1, announce `READY port=<N>`, stop cleanly.

After that line it writes nothing more to stdout or stderr unless `--verbose`
(tracebacks are kept for `GET /_shiftops/errors`). The server stops on SIGTERM or SIGINT, and also when its stdin reaches end of file
if stdin is a pipe, socket or terminal — so a test harness that dies (closing the
pipe) never leaks a server. Use `--no-stdin-watch` to run it detached with stdin
open elsewhere. It only ever binds the loopback address.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading

from . import CENTRAL_ACCOUNT, DEFAULT_REGION
from .lifecycle import stdin_is_watchable, watch_stdin

HOST = "127.0.0.1"


def _prepare_environment() -> None:
    os.environ["MOTO_ACCOUNT_ID"] = CENTRAL_ACCOUNT
    os.environ["AWS_DEFAULT_REGION"] = DEFAULT_REGION
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="shiftops AWS emulator (moto + extensions)")
    parser.add_argument("--port", type=int, default=0, help="TCP port on 127.0.0.1; 0 picks a free one")
    parser.add_argument("--verbose", action="store_true", help="log requests and tracebacks to stderr")
    parser.add_argument("--no-stdin-watch", action="store_true", help="do not stop when stdin closes")
    args = parser.parse_args(argv)

    _prepare_environment()
    from werkzeug.serving import make_server
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    from . import wsgi
    from .app import build_app

    # MOTO_ACCOUNT_ID would pin every request to one account (see accounts.py).
    os.environ.pop("MOTO_ACCOUNT_ID", None)
    wsgi.VERBOSE = args.verbose
    if not args.verbose:
        logging.disable(logging.CRITICAL)  # werkzeug's request log, moto's interpreter tracebacks

    address: dict[str, str] = {}
    app = build_app(lambda: address["url"])
    server = make_server(HOST, args.port, app, threaded=True, request_handler=MotoRequestHandler)
    port = server.server_port
    address["url"] = f"http://{HOST}:{port}"
    os.environ["MOTO_PORT"] = str(port)  # moto's Step Functions integrations call back here
    os.environ["SHIFTOPS_EMULATOR_URL"] = address["url"]

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if not args.no_stdin_watch and stdin_is_watchable():
        threading.Thread(target=watch_stdin, args=(stop,), daemon=True).start()
    serving = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)
    serving.start()
    print(f"READY port={port}", flush=True)
    if not args.verbose:
        # Nothing more on stdout/stderr: a harness that never reads the pipes must not block
        # the server once they fill. Tracebacks stay available at GET /_shiftops/errors.
        quiet = open(os.devnull, "w")
        sys.stdout = sys.stderr = quiet
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        server.server_close()
    return 0
