#!/usr/bin/env python3
"""Start the shiftops AWS emulator: `python tests/emulator/run.py --port 0`.

Prints `READY port=<N>` on stdout once it accepts connections on 127.0.0.1:<N>.
See tests/emulator/README.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from shiftops_emulator.server import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
