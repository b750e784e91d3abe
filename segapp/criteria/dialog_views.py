"""The add / reduce / refine contacts dialogs: filters by table, options, live preview, apply."""
