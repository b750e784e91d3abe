"""Delivery (spec 5): e-mail lines of a registered segment sent over SMTP, with consent, delivery status, retry,
resend and a test message."""
