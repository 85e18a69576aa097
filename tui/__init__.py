"""mysafe-tui: a terminal console for senhasegura MySafe passwords and API secrets."""

__version__ = "0.1.0"
