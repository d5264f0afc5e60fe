"""``sync`` and ``rollup`` against a real city server (issue 24): Debian's sshd and lighttpd with
``git http-backend`` over HTTPS, started on 127.0.0.1 by each test (``tests/servers.py``).

What is guaranteed: no prompt ever waits (missing or wrong credentials are exit 3 and one
``error:`` line saying what to set, within seconds, even on a terminal); a server that stops
answering or is killed mid-fetch or mid-push ends the sync in bounded time with exit 3 and
nothing changed, and the next sync goes on; a push refused because a colleague pushed first is
fetched, merged and pushed again, a bounded number of times; a password in a remote URL is
never shown; and the README's "Sharing with the city" recipe runs as written.
"""

from __future__ import annotations

import os
import re
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, git, runner_for
from tests.servers import (
    HTTP_BACKEND,
    LIGHTTPD,
    LIGHTTPD_TLS,
    SSHD,
    HttpsServer,
    SilentPort,
    SshServer,
    need,
)
from tests.test_sync import _snapshot

M7 = "records/members/M-0007.toml"
PY = sys.executable


@pytest.fixture(autouse=True)
def _network_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Only the repository's own settings count: no CA bundle or proxy from the machine."""
    for name in (
        "GIT_SSL_CAINFO",
        "GIT_SSL_NO_VERIFY",
        "GIT_SSH_COMMAND",
        "GIT_SSH",
        "GIT_ASKPASS",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def ssh_city(tmp_path: Path) -> Iterator[SshServer]:
    need(SSHD, "ssh", "ssh-keygen")
    server = SshServer(tmp_path / "city-ssh")
    server.bare()
    yield server
    server.stop()


@pytest.fixture
def https_city(tmp_path: Path) -> Iterator[HttpsServer]:
    need(LIGHTTPD, LIGHTTPD_TLS, HTTP_BACKEND, "openssl")
    server = HttpsServer(tmp_path / "city-https")
    server.bare()
    yield server
    server.stop()


def county(tmp_path: Path, template: Path, name: str, url: str, **config: str) -> Path:
    """A copy of the sample county with ``origin`` at ``url`` and these git settings."""
    path = tmp_path / name
    shutil.copytree(template, path, symlinks=True)
    for key, value in config.items():
        git(path, "config", key.replace("_", "."), value)
    git(path, "remote", "add", "origin", url)
    return path


def ssh_county(tmp_path: Path, template: Path, city: SshServer, name: str = "a") -> Path:
    return county(tmp_path, template, name, city.url(), core_sshCommand=city.ssh_command())


def https_county(
    tmp_path: Path, template: Path, city: HttpsServer, name: str = "a", password: str = ""
) -> Path:
    """Set up as the README says: the city's certificate, a credential helper with the
    password (``password`` overrides the right one; empty: none stored)."""
    creds = tmp_path / f"{name}-credentials"
    creds.write_text(
        f"https://{city.user}:{password or city.password}@127.0.0.1:{city.port}\n"
        if password != "-"
        else "",
        encoding="utf-8",
    )
    return county(
        tmp_path,
        template,
        name,
        city.url(),
        http_sslCAInfo=str(city.cert),
        credential_helper=f"store --file={creds}",
    )


def dp_sync(path: Path, *args: str) -> tuple[int, str, str, float]:
    """``driverparty sync``: exit status, stdout, stderr and how many seconds it took."""
    start = time.monotonic()
    r = runner_for(path)("sync", *args)
    return r.exit_code, r.stdout, r.stderr, time.monotonic() - start


def pushed(path: Path, city: SshServer | HttpsServer) -> Path:
    """``path`` with its main branch already on the city's server (pushed through the
    server's folder: quicker than a network push, which other tests time)."""
    git(path, "push", "-q", str(city.srv / "babu.git"), "main")
    return path


def remote_head(bare: Path) -> str:
    return git(bare, "rev-parse", "refs/heads/main").strip()


def big_commit(path: Path, name: str = "attachments/scan.bin") -> None:
    """A commit that takes more than a few packets to send (64 KiB that do not compress)."""
    (path / name).parent.mkdir(parents=True, exist_ok=True)
    (path / name).write_bytes(os.urandom(65536))
    git(path, "add", name)
    git(path, "commit", "-q", "-m", "a scan")


def one_error(err: str) -> str:
    lines = err.strip().splitlines()
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, err
    assert "Traceback" not in err
    return errors[0]


# --- sync over SSH and HTTPS works -----------------------------------------------------------


def test_sync_over_ssh_pushes_merges_and_fast_forwards(
    tmp_path: Path, sample_template: Path, ssh_city: SshServer
) -> None:
    a = ssh_county(tmp_path, sample_template, ssh_city)
    code, _, err, _ = dp_sync(a)
    assert code == 0 and "first push" in err, err
    b = tmp_path / "b"
    git(
        tmp_path,
        "-c",
        f"core.sshCommand={ssh_city.ssh_command()}",
        "clone",
        "-q",
        ssh_city.url(),
        str(b),
    )
    git(b, "config", "core.sshCommand", ssh_city.ssh_command())
    assert runner_for(b)("member", "update", "M-0007", "--employer", "万顺叫车").exit_code == 0
    assert dp_sync(b)[0] == 0
    assert runner_for(a)("member", "update", "M-0001", "--plate", "桂J12345").exit_code == 0
    code, _, err, _ = dp_sync(a)
    assert code == 0 and "merged origin/main and pushed" in err, err
    assert remote_head(ssh_city.srv / "babu.git") == git(a, "rev-parse", "HEAD").strip()
    assert 'employer = "万顺叫车"' in (a / M7).read_text(encoding="utf-8")


def test_sync_over_https_with_a_credential_helper(
    tmp_path: Path, sample_template: Path, https_city: HttpsServer
) -> None:
    a = https_county(tmp_path, sample_template, https_city)
    code, _, err, _ = dp_sync(a)
    assert code == 0 and "first push" in err, err
    assert remote_head(https_city.srv / "babu.git") == git(a, "rev-parse", "HEAD").strip()
    code, _, err, _ = dp_sync(a)
    assert code == 0 and "already up to date" in err, err


# --- 1. no prompt ever waits -------------------------------------------------------------------


def test_ssh_with_a_key_the_server_does_not_know_is_exit_3_at_once(
    tmp_path: Path, sample_template: Path, ssh_city: SshServer
) -> None:
    stranger = tmp_path / "stranger"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(stranger)], check=True)
    a = county(
        tmp_path,
        sample_template,
        "a",
        ssh_city.url(),
        core_sshCommand=ssh_city.ssh_command(stranger),
    )
    before = _snapshot(a)
    code, out, err, took = dp_sync(a)
    assert code == 3, err
    assert "SSH key" in one_error(err) and "core.sshCommand" in err
    assert took < 15 and out == ""
    assert _snapshot(a) == before


def test_ssh_with_an_unknown_host_key_is_exit_3(
    tmp_path: Path, sample_template: Path, ssh_city: SshServer
) -> None:
    ssh_city.known_hosts.write_text("", encoding="utf-8")  # this laptop has never seen the server
    a = ssh_county(tmp_path, sample_template, ssh_city)
    code, _, err, took = dp_sync(a)
    assert code == 3 and "host key" in one_error(err), err
    assert took < 15


def test_ssh_through_git_ssh_command_keeps_working(
    tmp_path: Path, sample_template: Path, ssh_city: SshServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = county(tmp_path, sample_template, "a", ssh_city.url())
    monkeypatch.setenv("GIT_SSH_COMMAND", ssh_city.ssh_command())
    code, _, err, _ = dp_sync(a)
    assert code == 0 and "first push" in err, err


def test_https_without_a_stored_password_is_exit_3_saying_what_to_set(
    tmp_path: Path, sample_template: Path, https_city: HttpsServer
) -> None:
    a = https_county(tmp_path, sample_template, https_city, password="-")
    before = _snapshot(a)
    code, _, err, took = dp_sync(a)
    assert code == 3, err
    line = one_error(err)
    assert "credential helper" in line and "user name and password" in line
    assert took < 15
    assert _snapshot(a) == before


def test_https_with_a_wrong_password_is_exit_3(
    tmp_path: Path, sample_template: Path, https_city: HttpsServer
) -> None:
    a = https_county(tmp_path, sample_template, https_city, password="not-the-password")
    code, _, err, took = dp_sync(a)
    assert code == 3, err
    assert "refused the user name or password" in one_error(err)
    assert "not-the-password" not in err
    assert took < 15


def _on_a_terminal(repo: Path, env: dict[str, str], limit: float = 30) -> tuple[int, str]:
    """Run ``driverparty sync`` with a real terminal as its controlling terminal, as a clerk
    does, answering nothing. Returns (exit status, what it wrote); fails when it is still
    running after ``limit`` seconds (it waits at a prompt)."""
    import pty

    pid, fd = pty.fork()
    if pid == 0:  # the child: driverparty on the terminal
        os.chdir(repo)
        os.execvpe(PY, [PY, "-m", "driverparty", "sync"], env)
    shown = b""
    deadline = time.monotonic() + limit
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 4096)
                except OSError:  # the terminal closed: the child is gone
                    break
                if not chunk:
                    break
                shown += chunk
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status), shown.decode("utf-8", "replace")
        else:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            pytest.fail(f"sync waited at a prompt on the terminal: {shown!r}")
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status), shown.decode("utf-8", "replace")
    finally:
        os.close(fd)


def test_no_prompt_waits_on_a_terminal_whatever_git_terminal_prompt_says(
    tmp_path: Path, sample_template: Path, https_city: HttpsServer, ssh_city: SshServer
) -> None:
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "1"}
    # HTTPS, no password stored: git would ask "Username for ..." on the terminal
    a = https_county(tmp_path, sample_template, https_city, password="-")
    code, shown = _on_a_terminal(a, env)
    assert code == 3, shown
    assert "Username" not in shown and "credential helper" in shown
    # SSH, a key with a passphrase and no agent: ssh would ask for the passphrase
    locked = tmp_path / "locked"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "a passphrase", "-f", str(locked)], check=True
    )
    ssh_city.authorize(locked.with_suffix(".pub"))
    b = county(
        tmp_path, sample_template, "b", ssh_city.url(), core_sshCommand=ssh_city.ssh_command(locked)
    )
    code, shown = _on_a_terminal(b, {k: v for k, v in env.items() if k != "SSH_AUTH_SOCK"})
    assert code == 3, shown
    assert "passphrase" not in shown.lower() and "SSH key" in shown


# --- 2. a server that stops answering, or is killed, mid-transfer ------------------------------


def _county_of(tmp_path: Path, template: Path, city: SshServer | HttpsServer) -> Path:
    if isinstance(city, SshServer):
        return pushed(ssh_county(tmp_path, template, city), city)
    return pushed(https_county(tmp_path, template, city), city)


def _behind(tmp_path: Path, template: Path, city: SshServer | HttpsServer) -> tuple[Path, Path]:
    """County A on the server, then a colleague (B) pushed a large commit A has not seen."""
    a = _county_of(tmp_path, template, city)
    b = tmp_path / "b"
    git(tmp_path, "clone", "-q", str(city.srv / "babu.git"), str(b))
    big_commit(b)
    git(b, "push", "-q", "origin", "main")
    return a, b


def _ahead(tmp_path: Path, template: Path, city: SshServer | HttpsServer) -> Path:
    """County A on the server, then a large commit of its own to push."""
    a = _county_of(tmp_path, template, city)
    big_commit(a)
    return a


@pytest.mark.parametrize("transport", ["ssh", "https"])
def test_a_server_that_stops_answering_mid_fetch_is_given_up_after_timeout(
    transport: str, tmp_path: Path, sample_template: Path, request: pytest.FixtureRequest
) -> None:
    city = request.getfixturevalue(f"{transport}_city")
    a, b = _behind(tmp_path, sample_template, city)
    before = _snapshot(a)
    city.mode("stall-fetch")
    code, _, err, took = dp_sync(a, "--timeout", "2")
    assert code == 3, err
    assert "cannot fetch from remote origin: no answer for 2 s" in one_error(err)
    assert took < 12, took
    assert _snapshot(a) == before
    city.kill_sessions()
    city.mode("")  # the server is back
    code, _, err, _ = dp_sync(a)
    assert code == 0 and "fast-forwarded" in err, err
    assert git(a, "rev-parse", "HEAD") == git(b, "rev-parse", "HEAD")


@pytest.mark.parametrize("transport", ["ssh", "https"])
def test_a_server_that_stops_answering_mid_push_is_given_up_after_timeout(
    transport: str, tmp_path: Path, sample_template: Path, request: pytest.FixtureRequest
) -> None:
    city = request.getfixturevalue(f"{transport}_city")
    a = _ahead(tmp_path, sample_template, city)
    before, remote_before = _snapshot(a), remote_head(city.srv / "babu.git")
    city.mode("stall-push")
    code, _, err, took = dp_sync(a, "--timeout", "2")
    assert code == 3, err
    assert "cannot push to remote origin: no answer for 2 s" in one_error(err)
    assert took < 12, took
    assert _snapshot(a) == before
    assert remote_head(city.srv / "babu.git") == remote_before
    city.kill_sessions()
    city.mode("")
    code, _, err, _ = dp_sync(a)
    assert code == 0 and "pushed main to origin" in err, err
    assert remote_head(city.srv / "babu.git") == git(a, "rev-parse", "HEAD").strip()


def _killed_mid_transfer(city: SshServer | HttpsServer, a: Path, mode: str) -> tuple[int, str]:
    """Start a sync (default timeout, 60 s), kill the server's processes once the transfer
    is under way, and return how the sync ended; it must end long before its timeout."""
    city.mode(mode)
    start = time.monotonic()
    proc = subprocess.Popen(
        [PY, "-m", "driverparty", "--repo", str(a), "sync"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
    )
    try:
        city.wait_for_session()
        time.sleep(0.5)  # well into the transfer, which has stalled
        if isinstance(city, HttpsServer):
            city.stop()  # the whole web server goes down
        else:
            city.kill_sessions()  # this connection's sshd, its shell and git
        _, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert time.monotonic() - start < 30
    city.mode("")
    if isinstance(city, HttpsServer):
        city.start()  # back again, on the same port
    return proc.returncode, err


@pytest.mark.parametrize("transport", ["ssh", "https"])
def test_a_server_killed_mid_fetch_ends_the_sync_and_the_next_one_goes_on(
    transport: str, tmp_path: Path, sample_template: Path, request: pytest.FixtureRequest
) -> None:
    city = request.getfixturevalue(f"{transport}_city")
    a, b = _behind(tmp_path, sample_template, city)
    before = _snapshot(a)
    code, err = _killed_mid_transfer(city, a, "stall-fetch")
    assert code == 3, err
    assert one_error(err).startswith("error: cannot fetch from remote origin: ")
    assert _snapshot(a) == before
    code, _, err, _ = dp_sync(a)
    assert code == 0 and "fast-forwarded" in err, err
    assert git(a, "rev-parse", "HEAD") == git(b, "rev-parse", "HEAD")


@pytest.mark.parametrize("transport", ["ssh", "https"])
def test_a_server_killed_mid_push_ends_the_sync_and_the_next_one_goes_on(
    transport: str, tmp_path: Path, sample_template: Path, request: pytest.FixtureRequest
) -> None:
    city = request.getfixturevalue(f"{transport}_city")
    a = _ahead(tmp_path, sample_template, city)
    before, remote_before = _snapshot(a), remote_head(city.srv / "babu.git")
    code, err = _killed_mid_transfer(city, a, "stall-push")
    assert code == 3, err
    assert one_error(err).startswith("error: cannot push to remote origin: ")
    assert _snapshot(a) == before
    assert remote_head(city.srv / "babu.git") == remote_before
    code, _, err, _ = dp_sync(a)
    assert code == 0 and "pushed main to origin" in err, err
    assert remote_head(city.srv / "babu.git") == git(a, "rev-parse", "HEAD").strip()


@pytest.mark.parametrize("scheme", ["ssh", "https"])
def test_a_port_that_accepts_and_never_answers_is_given_up(
    scheme: str, tmp_path: Path, repo: Path
) -> None:
    if scheme == "ssh":
        need("ssh")
    silent = SilentPort()
    try:
        git(repo, "remote", "add", "origin", f"{scheme}://clerk@127.0.0.1:{silent.port}/babu.git")
        before = _snapshot(repo)
        code, _, err, took = dp_sync(repo, "--timeout", "2")
    finally:
        silent.close()
    assert code == 3, err
    assert one_error(err).startswith("error: cannot fetch from remote origin: ")
    assert took < 12, took
    assert _snapshot(repo) == before


# --- 3. a push refused because the remote moved on ---------------------------------------------


def _colleague_pushes_first(
    tmp_path: Path, template: Path, city: SshServer, times: int
) -> tuple[Path, list[str]]:
    """County A, whose ssh connects only after a colleague has pushed a new commit to the
    city (a real push, just before each of A's pushes, ``times`` times): the race between
    A's fetch and A's push, every time."""
    a = pushed(ssh_county(tmp_path, template, city), city)
    colleague = tmp_path / "colleague"
    git(tmp_path, "clone", "-q", str(city.srv / "babu.git"), str(colleague))
    shas = []
    for n in range(times):
        r = runner_for(colleague)("member", "update", "M-0007", "--employer", f"运输公司{n}")
        assert r.exit_code == 0, r.stderr
        shas.append(git(colleague, "rev-parse", "HEAD").strip())
    (tmp_path / "shas").write_text("\n".join(shas) + "\n", encoding="utf-8")
    bin_ = tmp_path / "bin"
    bin_.mkdir()
    wrapper = bin_ / "ssh"
    wrapper.write_text(
        f"""#!/bin/sh
case "$*" in *git-receive-pack*)
  n=$(cat {tmp_path}/count 2>/dev/null || echo 0)
  if [ "$n" -lt {times} ]; then
    echo $((n + 1)) > {tmp_path}/count
    sha=$(sed -n "$((n + 1))p" {tmp_path}/shas)
    git -C {colleague} push -q {city.srv / "babu.git"} "$sha:refs/heads/main"
  fi ;;
esac
exec {city.ssh_command()} "$@"
""",
        encoding="utf-8",
    )
    wrapper.chmod(0o755)
    git(a, "config", "core.sshCommand", str(wrapper))
    assert runner_for(a)("member", "update", "M-0001", "--plate", "桂J12345").exit_code == 0
    return a, shas


def test_a_push_refused_because_a_colleague_pushed_first_is_merged_and_pushed_again(
    tmp_path: Path, sample_template: Path, ssh_city: SshServer
) -> None:
    a, shas = _colleague_pushes_first(tmp_path, sample_template, ssh_city, times=1)
    mine = git(a, "rev-parse", "HEAD").strip()
    code, _, err, _ = dp_sync(a)
    assert code == 0, err
    assert "merged origin/main and pushed" in err
    head = git(a, "rev-parse", "HEAD").strip()
    assert remote_head(ssh_city.srv / "babu.git") == head
    assert git(a, "log", "-1", "--format=%P").split() == [mine, shas[0]]
    assert 'employer = "运输公司0"' in (a / M7).read_text(encoding="utf-8")
    assert 'plate = "桂J12345"' in (a / "records/members/M-0001.toml").read_text(encoding="utf-8")


def test_a_remote_that_keeps_moving_is_tried_three_times_then_a_clear_message(
    tmp_path: Path, sample_template: Path, ssh_city: SshServer
) -> None:
    a, shas = _colleague_pushes_first(tmp_path, sample_template, ssh_city, times=3)
    before = _snapshot(a)
    code, _, err, _ = dp_sync(a)
    assert code == 3, err
    line = one_error(err)
    assert "moved on again each of the 3 times" in line and "run sync again" in line
    assert _snapshot(a) == before
    assert remote_head(ssh_city.srv / "babu.git") == shas[-1]
    code, _, err, _ = dp_sync(a)  # the colleague has stopped: this time it goes through
    assert code == 0 and "merged origin/main and pushed" in err, err


# --- 4. a password in a URL is never shown ------------------------------------------------------


def test_a_password_in_the_remote_url_never_appears_in_any_output(
    tmp_path: Path, sample_template: Path, https_city: HttpsServer
) -> None:
    a = county(
        tmp_path,
        sample_template,
        "a",
        https_city.url(password=https_city.password),
        http_sslCAInfo=str(https_city.cert),
    )
    said = []
    code, out, err, _ = dp_sync(a)  # works, and warns
    said.append(out + err)
    assert code == 0, err
    assert "warning: the URL of remote origin holds a password" in err
    wrong = "Wr0ng-secret-99"
    git(a, "remote", "set-url", "origin", https_city.url(password=wrong))
    code, out, err, _ = dp_sync(a)  # refused
    said.append(out + err)
    assert code == 3 and "refused the user name or password" in err, err
    git(a, "remote", "set-url", "origin", https_city.url("nosuch.git", password=wrong))
    code, out, err, _ = dp_sync(a)
    said.append(out + err)
    assert code == 3, err
    https_city.stop()  # the server is down
    git(a, "remote", "set-url", "origin", https_city.url(password=wrong))
    code, out, err, _ = dp_sync(a)
    said.append(out + err)
    assert code == 3, err
    r = runner_for(a)("rollup", https_city.url(password=wrong), "--timeout", "5")
    said.append(r.stdout + r.stderr)
    assert r.exit_code == 3 and "babu:***@127.0.0.1" in r.stderr, r.stderr
    for text in said:
        assert https_city.password not in text and wrong not in text, text
    # nor in any file git or driverparty wrote, but the one the clerk wrote it into
    for path in (a / ".git").rglob("*"):
        if path.is_file() and path.name != "config":
            data = path.read_bytes()
            assert https_city.password.encode() not in data and wrong.encode() not in data, path


# --- rollup clones from the city too --------------------------------------------------------


def test_rollup_clones_a_county_over_https_and_ssh(
    tmp_path: Path,
    sample_template: Path,
    https_city: HttpsServer,
    ssh_city: SshServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    a = https_county(tmp_path, sample_template, https_city)
    assert dp_sync(a)[0] == 0
    b = ssh_county(tmp_path, sample_template, ssh_city, "b")
    assert dp_sync(b)[0] == 0
    home = tmp_path / "home"
    home.mkdir()
    (home / ".gitconfig").write_text(
        f"[http]\n\tsslCAInfo = {https_city.cert}\n"
        f"[core]\n\tsshCommand = {ssh_city.ssh_command()}\n"
        f"[credential]\n\thelper = store --file={tmp_path}/a-credentials\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(home / ".gitconfig"))
    r = runner_for(a)("rollup", https_city.url(), ssh_city.url(), "--format", "csv")
    assert r.exit_code == 0, r.stderr
    assert r.stdout.splitlines()[0] == "section,metric,八步区,八步区',total"
    # on a laptop with no stored password: exit 3 at once, saying what to set
    (home / ".gitconfig").write_text(f"[http]\n\tsslCAInfo = {https_city.cert}\n", encoding="utf-8")
    start = time.monotonic()
    r = runner_for(a)("rollup", https_city.url())
    assert r.exit_code == 3 and "credential helper" in r.stderr, r.stderr
    assert time.monotonic() - start < 15


# --- 5. the README's recipe, as written -------------------------------------------------------


def city_recipe(part: str) -> list[str]:
    """The sh blocks of the README's "Sharing with the city" for SSH or HTTPS, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n### Sharing with the city", 1)[1].split("\n## ", 1)[0]
    body = section.split(f"**Over {part}.**", 1)[1].split("\n**", 1)[0]
    return re.findall(r"```sh\n(.*?)```", body, re.S)


def run_recipe(block: str, home: Path, replace: dict[str, str], env: dict[str, str]) -> str:
    for old, new in replace.items():
        block = block.replace(old, new)
    proc = subprocess.run(
        ["bash", "-euo", "pipefail", "-c", block],
        cwd=home,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
    )
    assert proc.returncode == 0, (block, proc.stdout, proc.stderr)
    return proc.stderr


def recipe_env(home: Path) -> dict[str, str]:
    env = {**os.environ, "HOME": str(home), "PATH": f"{Path(PY).parent}:{os.environ['PATH']}"}
    for name in ("GIT_CONFIG_GLOBAL", "DRIVERPARTY_DEBUG"):
        env.pop(name, None)
    return env


def test_the_readme_recipe_for_ssh_runs_as_written(
    tmp_path: Path, sample_template: Path, ssh_city: SshServer
) -> None:
    home = tmp_path / "home"
    shutil.copytree(sample_template, home / "babu-records", symlinks=True)
    (home / ".ssh").mkdir(mode=0o700)
    env = recipe_env(home)
    replace = {
        "babu@records.city.example": f"{ssh_city.user}@127.0.0.1",
        "records.city.example": "127.0.0.1",
        "2222": str(ssh_city.port),
        "/srv/git/": f"{ssh_city.srv}/",
    }
    keygen, setup, clone = city_recipe("SSH")
    run_recipe(keygen, home, replace, env)
    ssh_city.authorize(home / ".ssh/city_ed25519.pub")  # the city's administrator
    said = run_recipe(setup, home, replace, env)
    assert "pushed main to origin (first push)" in said
    said = run_recipe(clone, home, replace, env)
    assert "already up to date with origin/main" in said
    assert (home / "township-records" / M7).read_bytes() == (
        home / "babu-records" / M7
    ).read_bytes()


def test_the_readme_recipe_for_https_runs_as_written(
    tmp_path: Path, sample_template: Path, https_city: HttpsServer
) -> None:
    home = tmp_path / "home"
    shutil.copytree(sample_template, home / "babu-records", symlinks=True)
    shutil.copy(https_city.cert, home / "city-ca.pem")
    # the clerk types the user name and password at `git fetch`'s prompt
    typing = home / "type-it"
    typing.write_text(
        f'#!/bin/sh\ncase "$1" in Username*) echo {https_city.user};; '
        f"*) echo {https_city.password};; esac\n",
        encoding="utf-8",
    )
    typing.chmod(0o755)
    env = {**recipe_env(home), "GIT_ASKPASS": str(typing)}
    replace = {"records.city.example": "127.0.0.1", "8443": str(https_city.port)}
    (setup,) = city_recipe("HTTPS")
    said = run_recipe(setup, home, replace, env)
    assert "pushed main to origin (first push)" in said
    assert https_city.password in (home / ".git-credentials").read_text(
        encoding="utf-8"
    )  # the helper has it
    assert (
        remote_head(https_city.srv / "babu.git")
        == git(home / "babu-records", "rev-parse", "HEAD").strip()
    )
