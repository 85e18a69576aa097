"""``mysafe-tui simulate``: the simulator on a real loopback socket, for curl and tests."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from typing import Any

from tui.api.endpoint import is_loopback
from tui.argtypes import number_between, whole_number_between
from tui.simulator.core import DEMO_CLIENT_SECRET, Simulator, SimulatorConfig
from tui.simulator.faults import FaultConfig
from tui.simulator.server import serve

_fraction = number_between(0.0, 1.0)
_non_negative = number_between(0.0)
_count = whole_number_between(0, 1_000_000)
_port = whole_number_between(0, 65535)


def add_simulate_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="run the embedded senhasegura simulator as an HTTP server",
        description=(
            "Serve a simulated senhasegura MySafe API on loopback, with fake seeded data "
            "and optional faults. It accepts the credentials in MYSAFE_CLIENT_ID and "
            "MYSAFE_CLIENT_SECRET when both are set, otherwise fixed demo credentials."
        ),
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    parser.add_argument(
        "--port", type=_port, default=8080, help="port (0 picks a free one; default: 8080)"
    )
    parser.add_argument(
        "--allow-remote",
        action="store_true",
        help="allow a non-loopback --host (it serves fake secrets over plain HTTP)",
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the demo data (default: 1)")
    parser.add_argument(
        "--passwords", type=_count, default=40, help="passwords to create (default: 40)"
    )
    parser.add_argument(
        "--api-secrets", type=_count, default=30, help="API secrets to create (default: 30)"
    )
    parser.add_argument(
        "--latency-ms", type=_non_negative, default=0.0, help="milliseconds added to every answer"
    )
    parser.add_argument(
        "--error-rate", type=_fraction, default=0.0, help="fraction answered 500/502/503/504"
    )
    parser.add_argument(
        "--drop-rate", type=_fraction, default=0.0, help="fraction of connections dropped"
    )
    parser.add_argument(
        "--hang-rate", type=_fraction, default=0.0, help="fraction of requests that stall"
    )
    parser.add_argument(
        "--hang-s", type=_non_negative, default=30.0, help="how long a stall lasts (default: 30)"
    )
    parser.add_argument("--fault-seed", type=int, default=None, help="seed of the fault sequence")
    parser.add_argument(
        "--token-lifetime",
        type=_non_negative,
        default=3600.0,
        help="seconds a token lives (default: 3600)",
    )
    parser.add_argument(
        "--list-inactive", action="store_true", help="include deactivated items in lists"
    )


def build_simulator(args: argparse.Namespace) -> Simulator:
    faults = FaultConfig(
        latency=args.latency_ms / 1000,
        error_rate=args.error_rate,
        drop_rate=args.drop_rate,
        hang_rate=args.hang_rate,
        hang=args.hang_s,
        seed=args.fault_seed,
    )
    faults.validate()
    config = SimulatorConfig.from_env(
        seed=args.seed,
        passwords=args.passwords,
        api_secrets=args.api_secrets,
        token_lifetime=args.token_lifetime or 1.0,
        list_inactive=args.list_inactive,
        faults=faults,
    )
    return Simulator(config)


async def _run(simulator: Simulator, host: str, port: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
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


def run_simulate(args: argparse.Namespace) -> int:
    if not is_loopback(args.host) and not args.allow_remote:
        print(
            f"mysafe-tui simulate: error: refusing to listen on {args.host}: the simulator "
            "serves fake secrets over plain HTTP; pass --allow-remote if you mean it",
            file=sys.stderr,
        )
        return 2
    try:
        simulator = build_simulator(args)
    except ValueError as exc:
        print(f"mysafe-tui simulate: error: {exc}", file=sys.stderr)
        return 2
    try:
        asyncio.run(_run(simulator, args.host, args.port))
    except OSError as exc:
        print(
            f"mysafe-tui simulate: error: cannot listen on {args.host}:{args.port}: "
            f"{exc.strerror or exc}",
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        pass
    return 0
