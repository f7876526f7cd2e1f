"""REST API ``/api/v1`` (JSON, bearer tokens), mounted by the web app's ``create_app``."""
