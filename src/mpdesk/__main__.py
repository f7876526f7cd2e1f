"""`python -m mpdesk` runs the CLI."""

from mpdesk.entrypoints.cli.app import main

main()
