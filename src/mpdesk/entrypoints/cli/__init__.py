"""The ``mpdesk`` command line (Typer + Rich)."""
