"""The web app (server-rendered pages with HTMX) and the REST API, built by ``create_app``."""
