"""Pure domain of mpdesk: dataclasses, enums and functions.

May import only the standard library, other ``mpdesk.domain`` modules and python-stdnum
(a pure checksum library, see docs/architecture.md). No clock, no files, no environment.
"""
