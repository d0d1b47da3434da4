"""`python -m pantau` is the same as the `pantau` command."""

from pantau.cli import main

main()
