"""Use cases of mpdesk. Imports ``mpdesk.domain`` and ``mpdesk.services.ports`` only."""
