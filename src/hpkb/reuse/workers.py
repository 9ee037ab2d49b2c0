"""A second process for half of a CPU-bound stage (the Whoosh index, beside threads).

A fresh interpreter (`python -m MODULE ARGS…`) rather than a fork: a build may run beside
threads (typesetting, the preview server), and forking a threaded process can deadlock.
Work goes in as lines on stdin; the result comes back as JSON on stdout.
"""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Sequence
from typing import Any

__all__ = ["WorkerFailed", "finish_worker", "send_line", "send_work", "start_worker", "stop"]

WORKER_TIMEOUT_S = 1800


class WorkerFailed(Exception):
    """The second process failed or ran too long; the message says how."""


def start_worker(module: str, args: Sequence[str], lines: Sequence[str] | None = None,
                 keep: Sequence[int] = ()) -> subprocess.Popen[str]:
    """Start ``python -m module args…``; with ``lines``, send them as its work now,
    otherwise later with ``send_work`` (the worker can import its libraries meanwhile).
    ``keep``: file descriptors the worker shares (under the same numbers)."""
    worker = subprocess.Popen([sys.executable, "-m", module, *args], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              pass_fds=tuple(keep))
    if lines is not None:
        send_work(worker, lines)
    return worker


def send_line(worker: subprocess.Popen[str], line: str) -> None:
    """One line now, more to follow (with ``send_work``). A worker that has ended takes
    nothing, and `finish_worker` then says why it ended."""
    assert worker.stdin is not None
    with contextlib.suppress(BrokenPipeError):
        worker.stdin.write(line + "\n")
        worker.stdin.flush()


def send_work(worker: subprocess.Popen[str], lines: Sequence[str]) -> None:
    """The last lines of work (as `send_line`, a worker that has ended takes nothing)."""
    assert worker.stdin is not None
    stdin, worker.stdin = worker.stdin, None  # closed here: communicate() must not touch it
    with contextlib.suppress(BrokenPipeError):
        stdin.write("\n".join(lines))
    with contextlib.suppress(BrokenPipeError):
        stdin.close()


def finish_worker(worker: subprocess.Popen[str]) -> Any:
    """The worker's JSON result, or WorkerFailed."""
    try:
        out, problem = worker.communicate(timeout=WORKER_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        stop(worker)
        raise WorkerFailed(f"a worker process ran over {WORKER_TIMEOUT_S} s") from None
    if worker.returncode != 0:
        lines = problem.strip().splitlines() or ["no output"]
        raise WorkerFailed(f"a worker process failed: {lines[-1]}")
    try:  # the result is the last line (a worker may report progress before it)
        return json.loads(out.strip().rsplit("\n", 1)[-1])
    except ValueError:
        raise WorkerFailed("a worker process gave no result") from None


def stop(process: subprocess.Popen[str]) -> None:
    """End a helper process the build no longer needs (a worker) and reap it."""
    if process.poll() is None:
        process.kill()
    process.communicate()
