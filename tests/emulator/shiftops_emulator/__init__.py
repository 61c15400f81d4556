"""shiftops' local AWS emulator: moto in server mode, extended where moto falls short.

`server.main()` runs it; `app.build_app()` builds the WSGI application. Each module
extends one concern and says why in its docstring (see tests/emulator/README.md).
"""

CENTRAL_ACCOUNT = "999999999999"
DEFAULT_REGION = "us-east-1"
