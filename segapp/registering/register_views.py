"""The register dialog of a segment (spec 3.6)."""
