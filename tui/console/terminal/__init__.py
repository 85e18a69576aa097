"""How the console reaches the terminal: the thin-link mode and the lean output driver."""
