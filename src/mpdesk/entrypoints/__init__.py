"""Surfaces: CLI, web, API. They import services and bootstrap, never adapters directly."""
