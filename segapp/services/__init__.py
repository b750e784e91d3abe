"""Business rules: plain functions that take the session and plain values and never commit."""
