"""The `pantau` entry point: a read command goes to the home's command server when one is up
(`pantau.cmdserver`), everything else runs in this process."""

from __future__ import annotations

import sys

from pantau import cmdserver


def main() -> None:
    """Console entry point."""
    code = cmdserver.forward(sys.argv[1:])
    if code is not None:
        sys.exit(code)
    from pantau.cli import main as run_here

    run_here()
