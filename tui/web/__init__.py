"""The browser demo: the console in a web page through textual-serve.

Imported only by ``mysafe-tui serve`` when it runs (textual-serve brings Rich and
aiohttp); the rest of the command line never loads it.
"""
