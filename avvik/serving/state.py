"""What ``avvik serve``'s processes are doing, in a small JSON file in the instance folder.

The supervisor rewrites it whenever a process starts, dies or is started again, and
removes it when it stops; ``/health`` reads it (the web processes are the supervisor's
children, on the same instance folder). A file left by a supervisor that was killed is
recognised by its dead process id and ignored.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

STATE_FILE = "processes.json"


def state_path(instance_dir: str | Path) -> Path:
    return Path(instance_dir) / STATE_FILE


def write_state(path: Path, processes: list[dict[str, Any]]) -> None:
    """Replace the file at once: a reader never sees half of it."""
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps({"supervisor_pid": os.getpid(), "processes": processes}))
    partial.replace(path)


def remove_state(path: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        path.unlink()


def read_processes(path: Path) -> list[dict[str, Any]] | None:
    """Each process's name, pid, running, restarts, last_exit and since; None when no
    ``avvik serve`` runs on this instance folder."""
    try:
        state = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not _alive(state.get("supervisor_pid")):
        return None
    return list(state.get("processes", []))


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:  # 0 or less would signal a whole group
        return False
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        # PermissionError: another user's process has the number now, so not ours.
        return False
    return True
