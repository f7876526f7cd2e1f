"""The ``desk`` fixture of the e-mail channel tests, shared by the modules of this folder."""

from tests.integration.mail.test_mail_channel import desk

__all__ = ["desk"]
