"""The interaction log entries page (spec 3.7)."""
