"""Ports: the Protocols that use cases need and adapters implement, one module per concept."""
