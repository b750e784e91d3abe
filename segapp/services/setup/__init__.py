"""Reference data and setup: generic rows, single-row setup, number series and their special cases."""
