"""``mysafe-tui simulate``: the simulator on a real loopback socket, for curl and tests."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from dataclasses import dataclass

import click

from tui.api.endpoint import is_loopback
from tui.base.argtypes import number_between, whole_number_between
from tui.simulator.core import DEMO_CLIENT_SECRET, Simulator, SimulatorConfig
from tui.simulator.faults import FaultConfig
from tui.simulator.server import serve

_fraction = number_between(0.0, 1.0)
_non_negative = number_between(0.0)
_count = whole_number_between(0, 1_000_000)
_port = whole_number_between(0, 65535)


@dataclass(frozen=True, slots=True)
class SimulateOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    allow_remote: bool = False
    seed: int = 1
    passwords: int = 40
    api_secrets: int = 30
    latency_ms: float = 0.0
    error_rate: float = 0.0
    drop_rate: float = 0.0
    hang_rate: float = 0.0
    hang_s: float = 30.0
    trickle_rate: float = 0.0
    trickle_s: float = 5.0
    endless_rate: float = 0.0
    huge_rate: float = 0.0
    fault_seed: int | None = None
    rate_limit: int = 0
    rate_limit_period: str = "second"
    rate_limit_every: int = 0
    rate_limit_wait: int = 1
    token_lifetime: float = 3600.0
    list_inactive: bool = False


def build_simulator(options: SimulateOptions) -> Simulator:
    faults = FaultConfig(
        latency=options.latency_ms / 1000,
        error_rate=options.error_rate,
        drop_rate=options.drop_rate,
        hang_rate=options.hang_rate,
        hang=options.hang_s,
        trickle_rate=options.trickle_rate,
        trickle=options.trickle_s,
        endless_rate=options.endless_rate,
        huge_rate=options.huge_rate,
        seed=options.fault_seed,
        rate_limit=options.rate_limit,
        rate_limit_period=options.rate_limit_period,
        rate_limit_every=options.rate_limit_every,
        rate_limit_wait=options.rate_limit_wait,
    )
    faults.validate()
    config = SimulatorConfig.from_env(
        seed=options.seed,
        passwords=options.passwords,
        api_secrets=options.api_secrets,
        token_lifetime=options.token_lifetime or 1.0,
        list_inactive=options.list_inactive,
        faults=faults,
    )
    return Simulator(config)


async def _run(simulator: Simulator, host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, stop.set)
    async with serve(simulator, host, port) as url:
        config = simulator.config
        if config.client_secret == DEMO_CLIENT_SECRET:
            secret = f"secret: {DEMO_CLIENT_SECRET}"
        else:
            secret = "secret from MYSAFE_CLIENT_SECRET"
        print(
            f"mysafe simulator listening on {url} (client id: {config.client_id}; {secret})",
            flush=True,
        )
        await stop.wait()


def run_simulate(options: SimulateOptions) -> int:
    if not is_loopback(options.host) and not options.allow_remote:
        print(
            f"mysafe-tui simulate: error: refusing to listen on {options.host}: the simulator "
            "serves fake secrets over plain HTTP; pass --allow-remote if you mean it",
            file=sys.stderr,
        )
        return 2
    try:
        simulator = build_simulator(options)
    except ValueError as exc:
        print(f"mysafe-tui simulate: error: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_run(simulator, options.host, options.port))
    except OSError as exc:
        print(
            f"mysafe-tui simulate: error: cannot listen on {options.host}:{options.port}: "
            f"{exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        pass
    return 0


@click.command(
    "simulate",
    short_help="run the embedded senhasegura simulator as an HTTP server",
    help=(
        "Serve a simulated senhasegura MySafe API on loopback, with fake seeded data "
        "and optional faults. It accepts the credentials in MYSAFE_CLIENT_ID and "
        "MYSAFE_CLIENT_SECRET when both are set, otherwise fixed demo credentials."
    ),
)
@click.option("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
@click.option("--port", type=_port, default=8080, help="port (0 picks a free one; default: 8080)")
@click.option(
    "--allow-remote",
    is_flag=True,
    help="allow a non-loopback --host (it serves fake secrets over plain HTTP)",
)
@click.option("--seed", type=int, default=1, help="seed of the demo data (default: 1)")
@click.option("--passwords", type=_count, default=40, help="passwords to create (default: 40)")
@click.option("--api-secrets", type=_count, default=30, help="API secrets to create (default: 30)")
@click.option(
    "--latency-ms", type=_non_negative, default=0.0, help="milliseconds added to every answer"
)
@click.option("--error-rate", type=_fraction, default=0.0, help="fraction answered 500/502/503/504")
@click.option("--drop-rate", type=_fraction, default=0.0, help="fraction of connections dropped")
@click.option("--hang-rate", type=_fraction, default=0.0, help="fraction of requests that stall")
@click.option(
    "--hang-s", type=_non_negative, default=30.0, help="how long a stall lasts (default: 30)"
)
@click.option(
    "--trickle-rate",
    type=_fraction,
    default=0.0,
    help="fraction of answers sent one byte at a time (every --trickle-s seconds)",
)
@click.option(
    "--trickle-s",
    type=_non_negative,
    default=5.0,
    help="seconds between the bytes of a trickled answer (default: 5)",
)
@click.option(
    "--endless-rate", type=_fraction, default=0.0, help="fraction of answers whose body never ends"
)
@click.option(
    "--huge-rate",
    type=_fraction,
    default=0.0,
    help="fraction of answers declaring a 3 GB body that never ends",
)
@click.option("--fault-seed", type=int, default=None, help="seed of the fault sequence")
@click.option(
    "--rate-limit",
    type=_count,
    default=0,
    help="Kong's rate limit: at most this many API requests per --rate-limit-period "
    "(429 with Retry-After and RateLimit-* headers; default: 0, none)",
)
@click.option(
    "--rate-limit-period",
    type=click.Choice(["second", "minute", "hour", "day"]),
    default="second",
    help="the window of --rate-limit (default: second)",
)
@click.option(
    "--rate-limit-every",
    type=_count,
    default=0,
    help="refuse every Nth API request with a 429 (at least 2; default: 0, never)",
)
@click.option(
    "--rate-limit-wait",
    type=_count,
    default=1,
    help="whole seconds the 429s of --rate-limit-every ask to wait (default: 1)",
)
@click.option(
    "--token-lifetime",
    type=_non_negative,
    default=3600.0,
    help="seconds a token lives (default: 3600)",
)
@click.option("--list-inactive", is_flag=True, help="include deactivated items in lists")
def simulate(**values: object) -> int:
    return run_simulate(SimulateOptions(**values))  # type: ignore[arg-type]
