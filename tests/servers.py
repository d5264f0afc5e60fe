"""A city server for the tests: Debian's sshd and lighttpd + ``git http-backend`` (HTTPS, basic
authentication), started on 127.0.0.1 on a free high port with throw-away keys, a self-signed
certificate and a password file made here, and stopped by the test that started them.

Each server runs git through a small script that can be told to misbehave the way a real
server does (``mode``): ``stall-fetch``/``stall-push`` pass the first bytes of the transfer and
then stop answering with the connection open; :meth:`Server.kill_sessions` then kills the
server's processes for that transfer (a server killed mid-fetch or mid-push). Everything the
servers start is recorded by process id and stopped by id at the end.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

SSHD = "/usr/sbin/sshd"
LIGHTTPD = "/usr/sbin/lighttpd"
LIGHTTPD_TLS = "/usr/lib/lighttpd/mod_openssl.so"
HTTP_BACKEND = "/usr/lib/git-core/git-http-backend"
REQUIRED = bool(os.environ.get("DRIVERPARTY_REQUIRE_SERVERS"))  # CI: never skip


def need(*programs: str) -> None:
    """Skip (locally) or fail (in CI) when a server program is not installed."""
    missing = [p for p in programs if not (Path(p).exists() or shutil.which(p))]
    if missing:
        message = (
            f"{', '.join(missing)} not installed: apt-get install openssh-server lighttpd "
            "lighttpd-mod-openssl openssl (.ci/run does)"
        )
        if REQUIRED:
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(
                f"server exited: {log.read_text(encoding='utf-8', errors='replace')[-2000:]}"
            )
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(
        f"server did not listen on {port}: {log.read_text(encoding='utf-8', errors='replace')}"
    )


class Server:
    """What both servers share: a folder of bare repositories, a mode, the process ids."""

    def __init__(self, base: Path) -> None:
        self.base = base
        base.mkdir(parents=True, exist_ok=True)
        self.srv = base / "srv"
        self.srv.mkdir(exist_ok=True)
        self.pids = base / "pids"
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0

    def bare(self, name: str = "babu.git") -> Path:
        path = self.srv / name
        subprocess.run(["git", "init", "-q", "--bare", "-b", "main", str(path)], check=True)
        return path

    def mode(self, mode: str = "") -> None:
        """How the server behaves from the next transfer on ("": as a server should)."""
        self.kill_sessions()
        (self.base / "mode").write_text(mode, encoding="utf-8")

    def wait_for_session(self, timeout: float = 15) -> None:
        """Until the server is misbehaving in a transfer (its script has started)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.pids.exists() and self.pids.read_text(encoding="utf-8").strip():
                return
            time.sleep(0.02)
        raise AssertionError("the server never started a transfer")

    def kill_sessions(self) -> None:
        """SIGKILL every process the server started for a transfer: each script is a process
        group of its own (sshd and setsid make it so: its git, head and sleep are in it) and
        names it first, then, for ssh, the connection's own sshd — a server killed
        mid-transfer."""
        if not self.pids.exists():
            return
        mine = {os.getpgrp(), self.proc.pid if self.proc else 0}
        for line in self.pids.read_text(encoding="utf-8").splitlines():
            group, *others = map(int, line.split())
            if group not in mine:
                try:
                    os.killpg(group, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            for pid in others:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
        self.pids.unlink()

    def stop(self) -> None:
        self.kill_sessions()
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def script(self, name: str, text: str) -> Path:
        path = self.base / name
        path.write_text(text, encoding="utf-8")
        path.chmod(0o755)
        return path


class SshServer(Server):
    """Debian's sshd on 127.0.0.1: a throw-away host key, one user key (``key``) in its own
    authorized_keys, root allowed by key only, no PAM, everything in ``base``."""

    def __init__(self, base: Path) -> None:
        super().__init__(base)
        for name in ("host_key", "key"):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(base / name)],
                check=True,
            )
        self.key = base / "key"
        serve = self.script(
            "serve",
            f"""#!/bin/sh
# The server's side of one ssh connection: git's own command, or a misbehaving server (which
# says its process group and its sshd, to be killed).
mode=$(cat {base}/mode 2>/dev/null)
case "$mode:$SSH_ORIGINAL_COMMAND" in
  stall-fetch:git-upload-pack*) echo "$$ $PPID" >> {self.pids}
    sh -c "$SSH_ORIGINAL_COMMAND" | {{ head -c 1500; sleep 60; }} ;;
  stall-push:git-receive-pack*) echo "$$ $PPID" >> {self.pids}
    {{ head -c 1500; sleep 60; }} | sh -c "$SSH_ORIGINAL_COMMAND" ;;
  *) exec sh -c "$SSH_ORIGINAL_COMMAND" ;;
esac
""",
        )
        self.authorized = base / "authorized_keys"
        self.authorize(self.key.with_suffix(".pub"))
        self.user = os.environ.get("USER") or "root"
        if os.geteuid() == 0:
            self.user = "root"
            Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # sshd's privilege separation
        self.serve = serve
        self.known_hosts = base / "known_hosts"
        self.start()

    def authorize(self, public_key: Path) -> None:
        """Add a user's public key, as the city's administrator would."""
        with self.authorized.open("a", encoding="utf-8") as f:
            key = public_key.read_text(encoding="utf-8").strip()
            f.write(f'command="{self.base / "serve"}" {key}\n')

    def start(self) -> None:
        for _ in range(3):
            self.port = free_port()
            config = self.base / "sshd_config"
            config.write_text(
                f"""Port {self.port}
ListenAddress 127.0.0.1
HostKey {self.base / "host_key"}
PidFile {self.base / "sshd.pid"}
AuthorizedKeysFile {self.authorized}
PermitRootLogin prohibit-password
StrictModes no
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
LogLevel ERROR
""",
                encoding="utf-8",
            )
            log = self.base / "sshd.log"
            self.proc = subprocess.Popen(
                [SSHD, "-D", "-e", "-f", str(config)],
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                _wait_for_port(self.port, self.proc, log)
            except RuntimeError:
                self.proc.kill()
                self.proc.wait()
                continue
            host = (self.base / "host_key.pub").read_text(encoding="utf-8").split()
            self.known_hosts.write_text(
                f"[127.0.0.1]:{self.port} {host[0]} {host[1]}\n", encoding="utf-8"
            )
            return
        raise RuntimeError(
            f"sshd did not start: {(self.base / 'sshd.log').read_text(encoding='utf-8')}"
        )

    def url(self, name: str = "babu.git") -> str:
        return f"ssh://{self.user}@127.0.0.1:{self.port}{self.srv / name}"

    def ssh_command(self, key: Path | None = None) -> str:
        """What a clerk's ``core.sshCommand`` says: this key, this server's host key."""
        return (
            f"ssh -F /dev/null -i {key or self.key} -o IdentitiesOnly=yes "
            f"-o UserKnownHostsFile={self.known_hosts} -o StrictHostKeyChecking=yes "
            "-o KexAlgorithms=curve25519-sha256"
        )


class HttpsServer(Server):
    """Debian's lighttpd on 127.0.0.1 over TLS (a self-signed certificate for 127.0.0.1),
    basic authentication from a password file, ``git http-backend`` as CGI for pushes and
    fetches under ``/git/``."""

    user = "babu"
    password = "Babu-2026-pass"

    def __init__(self, base: Path) -> None:
        super().__init__(base)
        self.cert = base / "cert.pem"
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "ec",
                "-pkeyopt",
                "ec_paramgen_curve:prime256v1",
                "-nodes",
                "-days",
                "2",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(base / "key.pem"),
                "-out",
                str(self.cert),
            ],
            check=True,
            capture_output=True,
        )
        (base / "server.pem").write_bytes(self.cert.read_bytes() + (base / "key.pem").read_bytes())
        (base / "users").write_text(f"{self.user}:{self.password}\n", encoding="utf-8")
        (base / "www").mkdir(exist_ok=True)
        self.script(
            "backend.cgi",
            f"""#!/bin/sh
# git http-backend, or a misbehaving server; in a process group of its own, to be killed whole.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
[ -z "$IN_SETSID" ] && IN_SETSID=1 exec setsid "$0" "$@"
mode=$(cat {base}/mode 2>/dev/null)
case "$mode:$REQUEST_METHOD:$PATH_INFO" in
  stall-fetch:POST:*/git-upload-pack) echo "$$" >> {self.pids}
    {HTTP_BACKEND} | {{ head -c 1500; sleep 60; }} ;;
  stall-push:POST:*/git-receive-pack) echo "$$" >> {self.pids}
    {{ head -c 1500; sleep 60; }} | {HTTP_BACKEND} ;;
  *) exec {HTTP_BACKEND} ;;
esac
""",
        )
        self.port = free_port()
        self.start()

    def start(self) -> None:
        """Start (or start again, on the same port: a server coming back)."""
        config = self.base / "lighttpd.conf"
        config.write_text(
            f"""server.modules = ("mod_auth", "mod_authn_file", "mod_cgi", "mod_alias",
                  "mod_setenv", "mod_openssl")
server.bind = "127.0.0.1"
server.port = {self.port}
server.document-root = "{self.base / "www"}"
server.pid-file = "{self.base / "lighttpd.pid"}"
server.errorlog = "{self.base / "error.log"}"
ssl.engine = "enable"
ssl.pemfile = "{self.base / "server.pem"}"
alias.url = ("/git/" => "{self.base / "backend.cgi"}/")
cgi.assign = ("" => "")
setenv.add-environment = ("GIT_PROJECT_ROOT" => "{self.srv}", "GIT_HTTP_EXPORT_ALL" => "1")
auth.backend = "plain"
auth.backend.plain.userfile = "{self.base / "users"}"
auth.require = ("/git/" => ("method" => "basic", "realm" => "city", "require" => "valid-user"))
""",
            encoding="utf-8",
        )
        log = self.base / "lighttpd.log"
        for _ in range(50):  # the port of a server just killed may take a moment to free
            self.proc = subprocess.Popen(
                [LIGHTTPD, "-D", "-f", str(config)],
                stdout=log.open("wb"),
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                _wait_for_port(self.port, self.proc, log)
                return
            except RuntimeError:
                self.proc.kill()
                self.proc.wait()
                time.sleep(0.1)
        raise RuntimeError(f"lighttpd did not start: {log.read_text(encoding='utf-8')}")

    def url(self, name: str = "babu.git", password: str | None = None) -> str:
        who = f"{self.user}:{password}@" if password else ""
        return f"https://{who}127.0.0.1:{self.port}/git/{name}"


class SilentPort:
    """A port that accepts connections and never says a word (a server that hangs)."""

    def __init__(self) -> None:
        import threading

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = int(self.sock.getsockname()[1])
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()
