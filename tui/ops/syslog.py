"""A copy of the journal off the machine: every record as an RFC 5424 syslog message.

``audit_syslog = "udp://host:port"`` or ``"tcp://host:port"`` (a profile's key,
or ``MYSAFE_AUDIT_SYSLOG``) sends each record the journal writes, once it is on
disk, to a syslog server: the record's JSON line as the message, its batch and
sequence number as structured data (``[mysafe@32473 seq="12" batch="b0001"]``).
TCP frames each message by octet counting (RFC 6587).

The copy never slows a batch nor stands in for the journal: the journal hands the
line over (:meth:`SyslogCopy.offer`, a bounded queue, never blocking) and a
background thread sends it. What could not be sent (the server down, a queue
full, a message too long for UDP, the program ending first) is counted, with the
last reason, for the front ends to show: never silent. No record holds a secret,
so neither does a message.
"""

from __future__ import annotations

import contextlib
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from tui.ops.journal import Kept

#: Facility "log audit" (13), severity "informational" (6).
PRI = 13 * 8 + 6
APP_NAME = "mysafe-tui"
#: The structured data's id: a name and an enterprise number, as RFC 5424 asks of
#: ids not registered with IANA (32473: the number RFC 5612 reserves for examples).
SD_ID = "mysafe@32473"
#: Records waiting to be sent; more are counted as not sent.
QUEUE_SIZE = 10_000
#: How long the program's end waits for the copy to send what is queued.
CLOSE_PATIENCE = 3.0
#: After a failed connection, messages fail at once for this long (no stall per message).
RETRY_AFTER = 1.0
CONNECT_TIMEOUT = 2.0
BOM = "\ufeff".encode()
#: The longest UDP payload.
UDP_MAX = 65_507
#: How long the thread lets records gather once woken: sent in bursts, it takes the
#: interpreter's lock from the batch's thread less often (TCP: one write a burst).
LINGER = 0.01


@dataclass(frozen=True, slots=True)
class SyslogAddress:
    transport: Literal["udp", "tcp"]
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.transport}://{host}:{self.port}"


def parse_syslog_url(text: str) -> SyslogAddress:
    """``udp://host:port`` or ``tcp://host:port``; ValueError saying what is wrong."""
    value = text.strip()
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise ValueError(
            f"{value!r} has no valid port: give udp://host:port or tcp://host:port"
        ) from None
    if parts.scheme not in ("udp", "tcp"):
        raise ValueError(f"{value!r} is not udp://host:port or tcp://host:port")
    if not parts.hostname:
        raise ValueError(f"{value!r} names no host: give udp://host:port or tcp://host:port")
    if port is None or port == 0:
        raise ValueError(f"{value!r} names no port (1 to 65535): syslog is usually 514")
    if parts.username or parts.password or parts.path not in ("", "/"):
        raise ValueError(f"{value!r}: only a scheme, a host and a port, e.g. tcp://logs:514")
    if parts.query or parts.fragment:
        raise ValueError(f"{value!r}: only a scheme, a host and a port, e.g. tcp://logs:514")
    transport: Literal["udp", "tcp"] = "udp" if parts.scheme == "udp" else "tcp"
    return SyslogAddress(transport, parts.hostname, port)


def _field(text: str, longest: int) -> str:
    """A header field: printable ASCII without spaces, at most ``longest``; else '-'."""
    if not text or len(text) > longest or not all(33 <= ord(c) <= 126 for c in text):
        return "-"
    return text


def sd_escape(value: str) -> str:
    """A PARAM-VALUE: '"', '\\' and ']' escaped with a backslash (RFC 5424, 6.3.3)."""
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("]", "\\]")


def message(line: bytes, record: Kept, seq: int, *, hostname: str, pid: int) -> bytes:
    """The RFC 5424 message of one journal line."""
    params = f'seq="{seq}"'
    if record.batch_id is not None:
        params += f' batch="{sd_escape(record.batch_id)}"'
    header = (
        f"<{PRI}>1 {_field(record.time, 64)} {_field(hostname, 255)} {APP_NAME} {pid} "
        f"{_field(record.phase, 32)} [{SD_ID} {params}] "
    )
    return header.encode("utf-8") + BOM + line.rstrip(b"\n")


def _send_datagram(data: bytes, sock: socket.socket) -> None:
    sock.send(data)


class SyslogCopy:
    """Sends each record it is offered to one syslog server, from its own thread."""

    def __init__(
        self,
        address: SyslogAddress,
        *,
        queue_size: int = QUEUE_SIZE,
        hostname: str | None = None,
        connect_timeout: float = CONNECT_TIMEOUT,
    ) -> None:
        self.address = address
        self._hostname = hostname if hostname is not None else socket.gethostname()
        self._pid = os.getpid()
        self._timeout = connect_timeout
        # A deque and an event rather than a queue.Queue: appending takes no lock, and
        # the thread is woken only when it sleeps (a batch writes ~2 000 records).
        self._queue: deque[tuple[bytes, Kept, int]] = deque()
        self._queue_size = queue_size
        self._wake = threading.Event()
        self._stop = False
        self._thread: threading.Thread | None = None
        self._socket: socket.socket | None = None
        self._down_until = 0.0
        self._lock = threading.Lock()
        self._closed = False
        #: Records offered, sent, and not sent (with the last reason).
        self.offered = 0
        self.sent = 0
        self.failed = 0
        self.last_error = ""

    # -- the journal's side (never blocks, never raises) ---------------------------------

    def offer(self, line: bytes, record: Kept, seq: int) -> None:
        self.offered += 1
        if self._closed:
            self._fail("the copy was closed")
            return
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="syslog-copy", daemon=True)
            self._thread.start()
        if len(self._queue) >= self._queue_size:
            self._fail(f"more than {self._queue_size} records waiting")
            return
        self._queue.append((line, record, seq))
        if not self._wake.is_set():
            self._wake.set()

    def problem(self) -> str | None:
        """What was not sent so far, in words; None when nothing failed."""
        if not self.failed:
            return None
        return (
            f"the syslog copy to {self.address.url}: {self.failed} of {self.offered} journal "
            f"records not sent ({self.last_error}); the local journal has them all"
        )

    def close(self, patience: float = CLOSE_PATIENCE) -> None:
        """Send what is queued (for up to ``patience`` seconds), then stop; what is
        left is counted as not sent."""
        if self._closed:
            return
        self._closed = True
        thread = self._thread
        if thread is not None:
            self._stop = True
            self._wake.set()
            thread.join(patience)
        self._stop = True  # the thread, if still sending, stops after this message
        left = len(self._queue)
        self._queue.clear()
        if left:
            self._fail("the program ended before they were sent", count=left)
        if thread is None or not thread.is_alive():
            self._disconnect()

    # -- the thread ---------------------------------------------------------------------

    def _fail(self, why: str, count: int = 1) -> None:
        with self._lock:
            self.failed += count
            self.last_error = why

    def _run(self) -> None:
        while True:
            self._wake.clear()
            if not self._stop:
                time.sleep(LINGER)
            burst = []
            while self._queue:
                try:
                    line, record, seq = self._queue.popleft()
                except IndexError:  # cleared by close
                    break
                burst.append(message(line, record, seq, hostname=self._hostname, pid=self._pid))
            if burst:
                self._send(burst)
            if self._stop and not self._queue:
                return
            if not self._queue:
                self._wake.wait()

    def _send(self, burst: list[bytes]) -> None:
        if self.address.transport == "tcp":
            # Octet counting (RFC 6587, 3.4.1): MSG-LEN SP SYSLOG-MSG, one write a burst.
            framed = b"".join(b"%d " % len(data) + data for data in burst)
            self._sent_or_failed(len(burst), lambda sock: sock.sendall(framed))
            return
        for data in burst:
            if len(data) > UDP_MAX:
                self._fail(f"a record of {len(data)} bytes is too long for UDP; use tcp://")
                continue
            self._sent_or_failed(1, partial(_send_datagram, data))

    def _sent_or_failed(self, count: int, send: Callable[[socket.socket], object]) -> None:
        try:
            send(self._connected())
        except OSError as exc:
            self._disconnect()
            self._fail(exc.strerror or str(exc) or type(exc).__name__, count=count)
        else:
            self.sent += count

    def _connected(self) -> socket.socket:
        if self._socket is not None:
            return self._socket
        if time.monotonic() < self._down_until:
            raise OSError(self.last_error or "not connected")
        kind = socket.SOCK_DGRAM if self.address.transport == "udp" else socket.SOCK_STREAM
        try:
            family, _, _, _, where = socket.getaddrinfo(
                self.address.host, self.address.port, type=kind
            )[0]
            sock = socket.socket(family, kind)
            try:
                sock.settimeout(self._timeout)
                sock.connect(where)
            except OSError:
                sock.close()
                raise
        except OSError:
            self._down_until = time.monotonic() + RETRY_AFTER
            raise
        self._socket = sock
        return sock

    def _disconnect(self) -> None:
        sock, self._socket = self._socket, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.close()
