"""Contact import: read the file, map its columns, check its rows, look up what exists, write."""
