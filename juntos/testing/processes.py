"""Stopping the processes tests start (workers, servers, sinks)."""

from __future__ import annotations

import subprocess
from typing import Any


def stop(process: subprocess.Popen[Any], *, timeout: float = 20) -> None:
    """Ask politely (SIGTERM), then insist (SIGKILL); always reap the process."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
