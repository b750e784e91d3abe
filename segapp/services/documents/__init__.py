"""Word documents of interaction templates, the merge field catalogue, a line's letter, printable output."""
