"""Kong Gateway's own answers, byte for byte (kong/error_handlers.lua, kong/tools/http.lua)."""

from __future__ import annotations

KONG_VERSION = "3.10.0"

MESSAGES = {
    400: "Bad request",
    404: "Not found",
    405: "Method not allowed",
    408: "Request timeout",
    500: "An unexpected error occurred",
    502: "An invalid response was received from the upstream server",
    503: "The upstream server is currently unavailable",
    504: "The upstream server is timing out",
}
NO_ROUTE = "no Route matched with those values"

HTML = """<!doctype html>
<html>
  <head>
    <meta charset="utf-8">
    <title>Error</title>
  </head>
  <body>
    <h1>Error</h1>
    <p>{message}.</p>
    <p>request_id: {request_id}</p>
  </body>
</html>
"""
XML = """<?xml version="1.0" encoding="UTF-8"?>
<error>
  <message>{message}</message>
  <requestid>{request_id}</requestid>
</error>
"""


def message_for(status: int) -> str:
    return MESSAGES.get(status, f"The upstream server responded with {status}")


def body(message: str, request_id: str, accept: str) -> tuple[str, bytes]:
    """Kong picks the format from Accept; JSON (pretty, no space after the colon) by default."""
    accept = accept.lower()
    if "text/html" in accept:
        return "text/html; charset=utf-8", HTML.format(
            message=message, request_id=request_id
        ).encode()
    if "application/xml" in accept:
        return "application/xml; charset=utf-8", XML.format(
            message=message, request_id=request_id
        ).encode()
    if "text/plain" in accept:
        return "text/plain; charset=utf-8", f"{message}\nrequest_id: {request_id}\n".encode()
    text = f'{{\n  "message":"{message}",\n  "request_id":"{request_id}"\n}}'
    return "application/json; charset=utf-8", text.encode()


def headers(content_type: str, request_id: str, length: int) -> dict[str, str]:
    return {
        "Content-Type": content_type,
        "Content-Length": str(length),
        "Server": f"kong/{KONG_VERSION}",
        "X-Kong-Request-Id": request_id,
        "X-Request-Id": request_id,
        "X-Kong-Response-Latency": "0",
    }
