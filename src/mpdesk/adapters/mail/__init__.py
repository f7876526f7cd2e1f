"""E-mail adapters: parsing of incoming messages (SMTP and IMAP come with the service layer)."""
