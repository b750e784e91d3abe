"""Registering a segment: the checks, the one transaction that writes the log, follow-up segments."""
