"""Seeded demo data: items an operator would recognise, the same for the same seed.

A few items are deliberately awkward: names with ``[brackets]`` that look like Rich
markup, non-ASCII, and one carrying an OSC 52 escape sequence, so that every screen
is shown to print server text literally. Some items are read-only for the key's
user (``can_write`` false), some need justification or approval, and a few are not
visible to the user at all (get and write answer 1006, the list leaves them out).
"""

from __future__ import annotations

import functools
import random
import string
from typing import Any, NamedTuple

from tui.base.records import SlotRecord
from tui.simulator.draws import Draws, StreamDraws

SERVICES = [
    ("GitHub", "github.com"),
    ("GitLab", "gitlab.example.com"),
    ("AWS console", "console.aws.amazon.com"),
    ("Azure portal", "portal.azure.com"),
    ("GCP", "console.cloud.google.com"),
    ("Jenkins", "jenkins"),
    ("Grafana", "grafana"),
    ("Prometheus", "prometheus"),
    ("Kibana", "kibana"),
    ("Vault", "vault"),
    ("PostgreSQL", "pg"),
    ("MySQL", "mysql"),
    ("Oracle DB", "oracle"),
    ("Redis", "redis"),
    ("RabbitMQ", "rabbitmq"),
    ("Kafka", "kafka"),
    ("Jira", "jira"),
    ("Confluence", "wiki"),
    ("SAP", "sap"),
    ("Salesforce", "salesforce.com"),
    ("Office 365", "outlook.office.com"),
    ("Firewall", "fw"),
    ("VPN gateway", "vpn"),
    ("Backup server", "backup"),
    ("Nexus", "nexus"),
    ("SonarQube", "sonar"),
    ("Zabbix", "zabbix"),
    ("Keycloak", "sso"),
    ("Artifactory", "artifacts"),
    ("Payroll", "payroll"),
    ("ERP", "erp"),
    ("Datadog", "app.datadoghq.com"),
    ("Sentry", "sentry"),
]
ENVIRONMENTS = ["prod", "staging", "dev", "dr", "qa", "homolog"]
ROLES = ["admin", "service", "deploy", "readonly", "backup", "root", "ci", "monitoring", "api"]
PEOPLE = [
    "ana.souza",
    "bruno.lima",
    "carla.dias",
    "diego.alves",
    "elisa.rocha",
    "fabio.nunes",
    "gabriela.reis",
    "henrique.melo",
    "isabela.costa",
    "joao.pereira",
    "karen.silva",
    "lucas.martins",
    "mariana.gomes",
    "nicolas.barros",
    "olivia.teixeira",
    "pedro.cardoso",
]
GROUPS = ["DBA", "SRE", "Security", "Network", "DevOps", "Finance IT", "Service Desk"]
METHODS = ["get", "post", "put", "patch"]
ROTATIONS = [30, 60, 90]

#: Names that must be shown literally (markup look-alikes, non-ASCII, escape sequences).
#: They are the last items of each kind, off the first screen (an audience reads them
#: as rendering bugs), and the hostile ones are tagged ``hostile-name`` so a presenter
#: can show them on purpose (``/tag:hostile``).
AWKWARD_PASSWORDS = [
    "[bold]Payroll[/] admin",
    "Ops [red]alert[/red] bot",
    "Café São Paulo — 東京 VPN",
    "clipboard \x1b]52;c;ZXZpbA==\x07 thief",
]
AWKWARD_SECRETS = [
    "[link=https://evil.example]GCP[/link] deploy key",
    "Billing API \x1b[2J\x1b[H reset",
]

#: The tag of the names made to test the display: markup look-alikes and escapes.
HOSTILE_TAG = "hostile-name"


def hostile(name: str) -> bool:
    """A name made to trip a display: markup look-alikes, escape sequences."""
    return "[" in name or "\x1b" in name


@functools.cache
def _awkward_slots(count: int, total: int) -> tuple[int, ...]:
    """The last ``count`` indices of ``total`` the list shows (the key may view them)."""
    slots: list[int] = []
    index = total - 1
    while index >= 0 and len(slots) < count:
        if flags_for(index).can_view:
            slots.append(index)
        index -= 1
    return tuple(reversed(slots))


def awkward_name(names: list[str], index: int, total: int) -> str | None:
    """The awkward name of item ``index`` of ``total``: the last items shown have them."""
    slots = _awkward_slots(len(names), total)
    return names[slots.index(index)] if index in slots else None


def demo_tags(draws: Draws, index: int, name: str) -> str:
    """The item's drawn tags, and ``hostile-name`` for a hostile name."""
    tags = draw_tags(draws, index)
    if hostile(name):
        tags = f"{tags}, {HOSTILE_TAG}" if tags else HOSTILE_TAG
    return tags


DEMO_ENTROPY = string.ascii_letters + string.digits
BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
#: Up to this many items in all, the data comes from the seeded stream item by item
#: as it always has (``StreamDraws``); above, each item from its own slot of random
#: bytes (``SlotDraws``), made when first asked for (``tui.simulator.catalogue``).
STREAM_LIMIT = 10_000


class Item(SlotRecord):
    """One MySafe item as the simulator stores it (both kinds share the shape)."""

    # In the order of the fields: the repr follows it.
    __slots__ = (  # noqa: RUF023
        "kind",
        "identifier",
        "name",
        "url",
        "username",
        "password",
        "secret_key",
        "token",
        "client_id",
        "client_secret",
        "identifier_code",
        "method",
        "notes",
        "tags",
        "need_justify",
        "need_approval",
        "can_view",
        "can_write",
        "active",
        "users_allowed",
        "groups_allowed",
    )
    # What the API gives only to a reveal: out of the repr, so out of any traceback.
    _withheld = frozenset({"password", "secret_key", "token", "client_secret"})

    def __init__(
        self,
        kind: str,
        identifier: str,
        name: str,
        url: str = "",
        username: str = "",
        password: str | None = None,
        secret_key: str | None = None,
        token: str | None = None,
        client_id: str = "",
        client_secret: str | None = None,
        identifier_code: str = "",
        method: str = "",
        notes: str = "",
        tags: str = "",
        need_justify: bool = False,
        need_approval: bool = False,
        can_view: bool = True,
        can_write: bool = True,
        active: bool = True,
        users_allowed: list[dict[str, Any]] | None = None,
        groups_allowed: list[dict[str, Any]] | None = None,
    ) -> None:
        self.kind = kind  # "password" or "api_secret"
        self.identifier = identifier
        self.name = name
        self.url = url
        self.username = username
        self.password = password
        self.secret_key = secret_key
        self.token = token
        self.client_id = client_id
        self.client_secret = client_secret
        self.identifier_code = identifier_code
        self.method = method
        self.notes = notes
        self.tags = tags
        self.need_justify = need_justify
        self.need_approval = need_approval
        self.can_view = can_view
        self.can_write = can_write
        self.active = active
        self.users_allowed: list[dict[str, Any]] = [] if users_allowed is None else users_allowed
        self.groups_allowed: list[dict[str, Any]] = [] if groups_allowed is None else groups_allowed


def draw_tags(draws: Draws, index: int) -> str:
    if index % 6 == 5:
        return ""
    return draws.tags(1 + index % 3)


def _shares(
    draws: Draws, index: int, user_key: str
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    if index % 4:
        return [], []
    users = [{user_key: draws.choice(PEOPLE), "can_edit": index % 8 == 0}]
    groups = [{"name": draws.choice(GROUPS), "can_edit": False}]
    return users, groups


class Flags(NamedTuple):
    """What an item asks of the user and allows them, as a list shows it."""

    need_justify: bool
    need_approval: bool
    can_view: bool
    can_write: bool


def flags_for(index: int) -> Flags:
    # Spread the awkward cases so every screenful of the demo shows some.
    return Flags(index % 5 == 3, index % 9 == 4, index % 23 != 13, index % 7 != 2)


def _with_flags(item: Item, index: int) -> Item:
    item.need_justify, item.need_approval, item.can_view, item.can_write = flags_for(index)
    return item


def password_listing(draws: Draws, index: int, total: int) -> tuple[str, str, str]:
    """A password's name, URL and username: what a list shows, less tags and flags."""
    service, host = SERVICES[index % len(SERVICES)]
    env = ENVIRONMENTS[(index // len(SERVICES)) % len(ENVIRONMENTS)]
    role = ROLES[index % len(ROLES)]
    name = f"{service} {env} {role}"
    if total > len(SERVICES) * len(ENVIRONMENTS):
        name += f" #{index + 1}"
    name = awkward_name(AWKWARD_PASSWORDS, index, total) or name
    domain = host if "." in host else f"{host}.{env}.example.com"
    username = f"{role}@{env}" if index % 3 else draws.choice(PEOPLE)
    return name, f"https://{domain}", username


def make_password(draws: Draws, identifier: int, index: int, total: int) -> Item:
    # The draws in the order the seeded stream has always been read.
    name, url, username = password_listing(draws, index, total)
    item = Item(
        kind="password",
        identifier=str(identifier),
        name=name,
        url=url,
        username=username,
        password=draws.secret(DEMO_ENTROPY, 20),
        notes=f"Owner: {draws.choice(GROUPS)}. Rotate every {draws.choice(ROTATIONS)} days.",
        tags=demo_tags(draws, index, name),
    )
    if index % 10 == 1:
        item.secret_key = draws.secret(BASE32, 16)
        item.token = f"{draws.below(1_000_000):06d}"
    item.users_allowed, item.groups_allowed = _shares(draws, index, "username")
    return _with_flags(item, index)


def api_secret_listing(index: int, total: int) -> tuple[str, str]:
    """An API secret's name and URL (nothing drawn)."""
    service, host = SERVICES[(index * 7) % len(SERVICES)]
    env = ENVIRONMENTS[index % len(ENVIRONMENTS)]
    name = f"{service} {env} API"
    if total > len(SERVICES):
        name += f" #{index + 1}"
    name = awkward_name(AWKWARD_SECRETS, index, total) or name
    domain = host if "." in host else f"{host}.{env}.example.com"
    return name, f"https://{domain}/api"


def make_api_secret(draws: Draws, identifier: int, index: int, total: int) -> Item:
    name, url = api_secret_listing(index, total)
    env = ENVIRONMENTS[index % len(ENVIRONMENTS)]
    short = SERVICES[(index * 7) % len(SERVICES)][1].split(".")[0]
    item = Item(
        kind="api_secret",
        identifier=str(identifier),
        name=name,
        url=url,
        client_id=f"{short}-{env}-{index + 1:05d}",
        client_secret=draws.secret(DEMO_ENTROPY, 32),
        identifier_code=f"{short[:4].upper()}{index + 1:06d}",
        method=METHODS[index % len(METHODS)],
        notes=f"Issued for the {env} integration.",
        tags=demo_tags(draws, index + 2, name),
    )
    item.users_allowed, item.groups_allowed = _shares(draws, index, "name")
    return _with_flags(item, index)


def generate(seed: int, passwords: int, api_secrets: int) -> tuple[list[Item], int]:
    """Items for both kinds and the next free identifier (one shared counter), from
    the seeded stream: the demo's data up to ``STREAM_LIMIT`` items."""
    rng = random.Random(seed)
    draws = StreamDraws(rng)
    items: list[Item] = []
    identifier = 1
    # Interleave the kinds the way a real safe's counter would, deterministically.
    order = ["password"] * passwords + ["api_secret"] * api_secrets
    rng.shuffle(order)
    counts = {"password": 0, "api_secret": 0}
    for kind in order:
        index = counts[kind]
        counts[kind] += 1
        if kind == "password":
            items.append(make_password(draws, identifier, index, passwords))
        else:
            items.append(make_api_secret(draws, identifier, index, api_secrets))
        identifier += 1
    return items, identifier
