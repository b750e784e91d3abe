"""The segment's recipe: the criteria view, go back, save criteria, reuse criteria, the saved criteria list."""
