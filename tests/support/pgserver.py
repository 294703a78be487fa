"""A throwaway PostgreSQL server from the local binaries, for tests and system checks.

pytest-postgresql cannot be used here: initdb refuses to run as root, which is how CI
runs, so when root we run the server as the `postgres` system user (ADR 0003).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
from pathlib import Path


def find_bindir() -> Path | None:
    for candidate in [shutil.which("pg_config")]:
        if candidate:
            out = subprocess.run([candidate, "--bindir"], capture_output=True, text=True)
            bindir = Path(out.stdout.strip())
            if (bindir / "initdb").exists():
                return bindir
    initdb = shutil.which("initdb")
    if initdb:
        return Path(os.path.realpath(initdb)).parent
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def bindir_or_skip() -> Path:
    """The local PostgreSQL binaries, or the test skipped saying they are missing."""
    import pytest

    bindir = find_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL binaries not found")
    return bindir


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThrowawayPostgres:
    """initdb + pg_ctl in a temporary directory; trust auth on 127.0.0.1 only."""

    def __init__(self, bindir: Path, *, durable: bool = False) -> None:
        self.bindir = bindir
        self.durable = durable
        """Keep fsync and synchronous commit on, as production does (benchmarks only)."""
        self.root = Path(tempfile.mkdtemp(prefix="dsr-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.options = ""
        """More `-c` settings for the server (a primary's replication settings)."""
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            user = pwd.getpwnam("postgres")
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as_user = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql://dsr@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as_user, *args], check=True, capture_output=True, cwd=self.root)

    def start(self) -> str:
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "dsr",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.resume()
        return self.url

    def pause(self) -> None:
        """Stop the server but keep its data, as a database restart would."""
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop")

    def processes(self) -> list[int]:
        """The postmaster and every process it started (from /proc: Linux)."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        children: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        found, waiting = [], [postmaster]
        while waiting:
            pid = waiting.pop()
            found.append(pid)
            waiting.extend(children.get(pid, ()))
        return found

    def freeze(self) -> None:
        """Stop every server process where it stands (SIGSTOP): connections stay open and
        nothing answers, as a hung host or a network partition looks to a client."""
        for pid in self.processes():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self.processes():
            os.kill(pid, signal.SIGCONT)

    def resume(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 "
        options += "-c max_connections=300 " + self.options
        if not self.durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(
            str(self.bindir / "pg_ctl"),
            "-D",
            str(self.data),
            "-o",
            options,
            "-l",
            str(self.root / "server.log"),
            "-w",
            "start",
        )

    def stop(self) -> None:
        try:
            if not (self.data / "postmaster.pid").exists():
                return
            self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)


class StreamingPair:
    """A primary and a streaming standby on loopback (issue 30, item 11), as an NHS
    operator runs PostgreSQL: commits wait for the standby to have the WAL
    (`synchronous_standby_names`), so one acknowledged survives losing the primary."""

    def __init__(self, bindir: Path) -> None:
        self.primary = ThrowawayPostgres(bindir, durable=True)
        self.primary.options = "-c synchronous_standby_names=* -c wal_keep_size=64MB"
        self.standby = ThrowawayPostgres(bindir, durable=True)

    @property
    def url(self) -> str:
        hosts = f"127.0.0.1:{self.primary.port},127.0.0.1:{self.standby.port}"
        return f"postgresql://dsr@{hosts}/postgres?target_session_attrs=read-write"

    def start(self) -> None:
        self.primary.start()
        standby = self.standby
        standby._run(
            str(standby.bindir / "pg_basebackup"),
            "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "dsr",
            "-D", str(standby.data), "-R", "-X", "stream", "--no-sync",
        )  # fmt: skip
        standby.resume()

    def fail_primary(self) -> None:
        """The primary's host is lost: stopped at once, nothing flushed on the way out."""
        primary = self.primary
        primary._run(str(primary.bindir / "pg_ctl"), "-D", str(primary.data), "-m",
                     "immediate", "stop")  # fmt: skip

    def promote_standby(self) -> None:
        standby = self.standby
        standby._run(str(standby.bindir / "pg_ctl"), "-D", str(standby.data), "-w", "promote")

    def stop(self) -> None:
        self.standby.stop()
        self.primary.stop()


def start_throwaway(*, durable: bool = False) -> ThrowawayPostgres:
    """A started server for the benchmarks, or a clear exit when the binaries are missing."""
    bindir = find_bindir()
    if bindir is None:
        raise SystemExit("PostgreSQL binaries not found")
    server = ThrowawayPostgres(bindir, durable=durable)
    server.start()
    return server
