"""mpdesk: the seller's side of marketplace support."""

__version__ = "0.1.0"
