"""A throwaway PostgreSQL cluster for the rooms' tests: Debian's server (the postgresql package) in a temporary
folder, run by an unprivileged user where the tests run as root (PostgreSQL refuses root), trusting connections
on 127.0.0.1 at a free port, stopped and deleted afterwards."""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest


def server_bin() -> Path | None:
    """The newest server's bin folder in /usr/lib/postgresql (Debian's layout), if one is installed."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return found[-1].parent if found else None


def _unprivileged() -> str | None:
    for user in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(user).pw_name
        except KeyError:
            pass
    return None


def _why_not() -> str | None:
    if server_bin() is None:
        return "no PostgreSQL server in /usr/lib/postgresql (Debian's postgresql package: the README's test command installs it)"
    if os.geteuid() == 0 and not (shutil.which("runuser") and _unprivileged()):
        return "running as root, with no runuser or no unprivileged user to run PostgreSQL as"
    return None


needs_postgres = pytest.mark.skipif(_why_not() is not None, reason=_why_not() or "")


@contextmanager
def cluster():
    """postgresql://... of a new, empty cluster's database "postgres"."""
    bin_, folder = server_bin(), Path(tempfile.mkdtemp(prefix="genapp-postgres-"))
    as_user = []
    if os.geteuid() == 0:
        user = pwd.getpwnam(_unprivileged())
        os.chown(folder, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", user.pw_name, "--"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    data = folder / "data"
    run = lambda *args: subprocess.run(as_user + [str(a) for a in args], cwd=folder, check=True, capture_output=True)
    try:
        run(bin_ / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "--no-sync", "--locale=C", "-E", "UTF8")
        # fsync off: a throwaway cluster; what is tested is what the app reads back, not the disk
        run(bin_ / "pg_ctl", "-D", data, "-l", folder / "server.log", "-w", "-t", "30", "-o",
            f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={folder} -c fsync=off", "start")
    except subprocess.CalledProcessError as e:
        log = (folder / "server.log").read_text() if (folder / "server.log").exists() else ""
        shutil.rmtree(folder, ignore_errors=True)
        pytest.fail(f"{Path(e.cmd[len(as_user)]).name} failed: {e.stderr.decode()}{log}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(as_user + [str(bin_ / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"], cwd=folder,
                       capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)

def new_database(url: str, name: str) -> str:
    """postgresql://... of a new, empty database of the cluster at url."""
    import psycopg
    with psycopg.connect(url, autocommit=True) as db:
        db.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name
