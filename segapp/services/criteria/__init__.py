"""The criteria engine: filter tables and fields, matching, add / reduce / refine, go back, saved criteria."""
