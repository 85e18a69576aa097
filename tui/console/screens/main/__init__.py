"""The main screen: the two tables and their detail panes, and what drives them (the
batch controller, the filter mode, the outcome feed, the status words, the palette)."""
