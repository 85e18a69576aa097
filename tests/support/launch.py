"""The keyword arguments ``tui.settings.launch.resolve`` takes, each at what no flag gives, so a
test names only what it sets (flags, environment, config file)."""

from __future__ import annotations

from typing import Any


def launch_options(**overrides: Any) -> dict[str, Any]:
    """No flag given and an empty environment, but for ``overrides``."""
    values: dict[str, Any] = {
        "demo": False,
        "url": None,
        "client_id": None,
        "tenant": None,
        "ca_bundle": None,
        "insecure": False,
        "read_only": False,
        "concurrency": None,
        "environ": {},
    }
    values.update(overrides)
    return values
