"""Segments: the document, its header, its lines and the rules that fill them."""
