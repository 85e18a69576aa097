"""OpenSSH's own ``sshd`` on loopback, with throwaway keys, for end-to-end tests.

Modelled on ansible/pylibssh's tests/conftest.py: ``sshd -D -f /dev/null`` with
every setting on the command line, ed25519 host and client keys made for the test,
a free port found by binding port 0 (sshd cannot be told ``Port=0``).
"""

from __future__ import annotations

import getpass
import shlex
import shutil
import socket
import subprocess
import time
from collections.abc import Sequence
from pathlib import Path

from support.servers import closed_port

SSHD = shutil.which("sshd") or ("/usr/sbin/sshd" if Path("/usr/sbin/sshd").exists() else None)
#: Privilege separation directory: Debian's sshd refuses to start without it.
PRIVSEP_DIR = Path("/run/sshd")
#: The environment the client sends and the server accepts (ssh -o SendEnv, sshd
#: AcceptEnv): values travel inside the SSH session, never on a command line.
FORWARDED_ENV = "MYSAFE_* XDG_*"


def why_no_sshd() -> str | None:
    """Why a real sshd cannot run here, or None when it can."""
    if SSHD is None:
        return "OpenSSH's sshd is not installed (apt-get install openssh-server)"
    if shutil.which("ssh") is None or shutil.which("ssh-keygen") is None:
        return "the OpenSSH client is not installed (apt-get install openssh-client)"
    if not PRIVSEP_DIR.is_dir():
        try:
            PRIVSEP_DIR.mkdir(mode=0o755, parents=True)
        except OSError as exc:
            return f"sshd needs {PRIVSEP_DIR}, which cannot be made here: {exc.strerror}"
    return None


def keygen(path: Path) -> str:
    """A new ed25519 key pair at ``path``; the public key's line."""
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "mysafe-test", "-f", str(path)],
        check=True,
        capture_output=True,
        timeout=30,
    )
    return path.with_suffix(".pub").read_text().strip()


class Sshd:
    """A running sshd on 127.0.0.1 that lets this user in with a throwaway key."""

    def __init__(self, folder: Path) -> None:
        assert SSHD is not None
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.user = getpass.getuser()
        host_public = keygen(folder / "host_key")
        keygen(folder / "client_key")
        (folder / "authorized_keys").write_text((folder / "client_key.pub").read_text())
        self.port = closed_port()
        key_type, key = host_public.split()[:2]
        # Pinned host key: the client checks the server strictly, as a real one would.
        (folder / "known_hosts").write_text(f"[127.0.0.1]:{self.port} {key_type} {key}\n")
        self.log = folder / "sshd.log"
        self.process = subprocess.Popen(
            [
                SSHD, "-D", "-f", "/dev/null", "-E", str(self.log),
                "-o", f"HostKey={folder / 'host_key'}",
                "-o", f"AuthorizedKeysFile={folder / 'authorized_keys'}",
                "-o", "ListenAddress=127.0.0.1",
                "-o", f"Port={self.port}",
                "-o", "PidFile=none",
                # tmp_path's parents are not root-owned 0755 all the way up.
                "-o", "StrictModes=no",
                "-o", "PasswordAuthentication=no",
                "-o", "KbdInteractiveAuthentication=no",
                "-o", "PubkeyAuthentication=yes",
                "-o", "PermitRootLogin=prohibit-password",
                "-o", "UsePAM=no",
                "-o", f"AcceptEnv={FORWARDED_ENV}",
                "-o", "LogLevel=VERBOSE",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self._wait_ready()

    def _wait_ready(self, timeout: float = 15.0) -> None:
        """Until sshd answers with its banner (it listens before it is ready)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"sshd exited ({self.process.returncode}): {self.log_text()}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                    if conn.recv(64).startswith(b"SSH-2.0-"):
                        return
            except OSError:
                time.sleep(0.05)
        self.close()
        raise RuntimeError(f"sshd never answered on port {self.port}: {self.log_text()}")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def client(self, remote: Sequence[str]) -> list[str]:
        """``ssh -tt`` to this server running ``remote``: a real login with a pty."""
        return [
            "ssh", "-tt", "-F", "/dev/null",
            "-i", str(self.folder / "client_key"),
            "-p", str(self.port),
            "-o", "IdentitiesOnly=yes",
            "-o", "BatchMode=yes",
            "-o", "StrictHostKeyChecking=yes",
            "-o", f"UserKnownHostsFile={self.folder / 'known_hosts'}",
            "-o", f"SendEnv={FORWARDED_ENV}",
            "-o", "LogLevel=ERROR",
            f"{self.user}@127.0.0.1",
            # One word: the remote shell splits it again, so it goes quoted.
            shlex.join(remote),
        ]  # fmt: skip

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
