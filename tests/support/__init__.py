"""Helpers shared by the suite's levels (unit, console, cli, e2e); no tests here.

``tests`` is on the path (``pythonpath`` in pyproject.toml), so a test imports
``from support.console import make_app``; test modules never import each other.

- :mod:`support.sims`: the fixed time and fast retries, what a key may write, what
  the simulator was sent, waiting on the event loop.
- :mod:`support.console`: the console under Textual's Pilot.
- :mod:`support.cli`: the command line in-process (``CliRunner``) or as a process.
- :mod:`support.servers`: the simulator on a loopback socket, an untrusted https
  server, a closed port.
- :mod:`support.journals`: reading a journal back, and its promise.
- :mod:`support.launch`: the options ``tui.settings.launch.resolve`` takes, all defaulted.
- :mod:`support.api_examples`, :mod:`support.fake_server`: the API doc's example
  bodies, and a scripted server that answers with them.
- :mod:`support.terminals`: the real program in a pty or in tmux.
- :mod:`support.sshd_server`, :mod:`support.browser_demo`: OpenSSH's sshd on
  loopback, and the browser demo in headless chromium.
"""
