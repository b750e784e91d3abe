"""Signing in and out: stored sessions, sign-in throttling, password rules."""
