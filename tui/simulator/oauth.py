"""The OAuth2 token endpoint (client credentials only) and the bearer check that
guards every MySafe route."""

from __future__ import annotations

import base64
import binascii
import json
import re
import secrets
from collections.abc import Callable
from urllib.parse import parse_qs

from tui.simulator.config import SimulatorConfig
from tui.simulator.envelope import json_response
from tui.simulator.messages import SimRequest, SimResponse


def issue_token(
    request: SimRequest, request_id: str, config: SimulatorConfig, tokens: dict[str, float]
) -> SimResponse:
    """Answer a token request; a token issued is added to ``tokens`` with its expiry."""
    params = _token_params(request)
    if params is None:
        return json_response(
            400,
            {
                "error": "invalid_request",
                "error_description": "The request body is malformed",
                "message": "The request body is malformed",
            },
            request_id,
        )
    basic = request.headers.get("authorization", "")
    if basic.lower().startswith("basic "):
        try:
            decoded = base64.b64decode(basic[6:].strip(), validate=True).decode()
            basic_id, _, basic_secret = decoded.partition(":")
        except (binascii.Error, UnicodeDecodeError):
            basic_id = basic_secret = ""
        params.setdefault("client_id", basic_id)
        params.setdefault("client_secret", basic_secret)
    grant = params.get("grant_type", "")
    if not grant or not params.get("client_id") or not params.get("client_secret"):
        missing = [k for k in ("grant_type", "client_id", "client_secret") if not params.get(k)]
        text = f"The request is missing a required parameter: {missing[0]}"
        return json_response(
            400,
            {"error": "invalid_request", "error_description": text, "message": text},
            request_id,
        )
    if grant != "client_credentials":
        text = "The authorization grant type is not supported by the authorization server."
        return json_response(
            400,
            {"error": "unsupported_grant_type", "error_description": text, "message": text},
            request_id,
        )
    if config.require_tenant_for_ip and _is_ip(request.host) and not params.get("tenant"):
        text = "The tenant parameter is required when calling by IP address"
        return json_response(
            400,
            {"error": "invalid_request", "error_description": text, "message": text},
            request_id,
        )
    if not (
        secrets.compare_digest(params["client_id"], config.client_id)
        and secrets.compare_digest(params["client_secret"], config.client_secret)
    ):
        text = "Client authentication failed"
        return json_response(
            401,
            {"error": "invalid_client", "error_description": text, "message": text},
            request_id,
        )
    token = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9." + secrets.token_urlsafe(32)
    lifetime = config.token_lifetime
    tokens[token] = config.clock() + lifetime
    expires_in = int(lifetime) if float(lifetime).is_integer() else lifetime
    return json_response(
        200,
        {"token_type": "Bearer", "expires_in": expires_in, "access_token": token},
        request_id,
    )


def _token_params(request: SimRequest) -> dict[str, str] | None:
    params = {k: v[0] for k, v in request.query.items() if v}
    body = request.body.strip()
    if not body:
        return params
    content_type = request.headers.get("content-type", "")
    try:
        if "json" in content_type or body.startswith(b"{"):
            data = json.loads(body)
            if not isinstance(data, dict):
                return None
            params.update({str(k): str(v) for k, v in data.items() if isinstance(v, str | int)})
        else:
            form = parse_qs(body.decode(), keep_blank_values=True)
            params.update({k: v[0] for k, v in form.items()})
    except (ValueError, UnicodeDecodeError):
        return None
    return params


def authorised(request: SimRequest, tokens: dict[str, float], clock: Callable[[], float]) -> bool:
    """True when the request carries a bearer token issued and not yet expired."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return False
    expires = tokens.get(token.strip())
    if expires is None:
        return False
    if clock() >= expires:
        del tokens[token.strip()]
        return False
    return True


def _is_ip(host: str) -> bool:
    host = host.split(":")[0] if host.count(":") == 1 else host.strip("[]")
    return bool(re.fullmatch(r"[0-9.]+", host)) or ":" in host
