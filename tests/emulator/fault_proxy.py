#!/usr/bin/env python3
"""Start the fault-injecting proxy in front of a running emulator:
`python tests/emulator/fault_proxy.py --upstream http://127.0.0.1:<emulator port> --port 0`.

Prints `READY port=<N>` on stdout once it accepts connections on 127.0.0.1:<N>.
See tests/emulator/shiftops_emulator/fault_proxy.py and tests/emulator/README.md.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from shiftops_emulator.fault_proxy import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main())
