"""`python -m pantau` is the same as the `pantau` command."""

from pantau.launcher import main

main()
