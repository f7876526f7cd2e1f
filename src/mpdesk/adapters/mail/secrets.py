"""``MailboxSecrets``: a mailbox's password from the environment variable it names, or its
Fernet token decrypted by the credential vault (``adapters/credential_vault.py``). The vault
is built only when a token is sealed or opened."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from mpdesk.adapters.credential_vault import FernetCredentialVault
from mpdesk.domain.errors import UserInputError
from mpdesk.domain.mail import Mailbox


class MailboxSecrets:
    def __init__(
        self, environ: Mapping[str, str], vault: Callable[[], FernetCredentialVault]
    ) -> None:
        self._environ = environ
        self._vault = vault

    def password(self, box: Mailbox) -> str:
        if box.password_env:
            value = self._environ.get(box.password_env)
            if not value:
                raise UserInputError("mail_password_env_missing", variable=box.password_env)
            return value
        if box.password_token:
            return self._vault().open_text(box.password_token)
        raise UserInputError("mail_password_required")

    def seal(self, password: str) -> bytes:
        return self._vault().seal_text(password)
