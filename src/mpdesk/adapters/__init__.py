"""Adapters: concrete technology behind the ports (SQLAlchemy, YAML/Jinja2, files, clock)."""
