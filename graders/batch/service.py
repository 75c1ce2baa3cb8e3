"""``mml serve``: one grading worker and its warm sandbox, kept between commands.

A regrade of one student is mostly start-up: the command's imports, then the sandbox's
boot (IPython, numpy and the notebook's own ``scipy.linalg`` in a fresh interpreter behind
the trust boundary) and the worker's checks, about a second of CPU on two cores before a
job of 0.2 s. ``mml serve ASSIGNMENT`` pays that once: it becomes a grading worker
(:func:`graders.batch.pool.become_worker`) with its warm sandbox and waits on a Unix
socket. ``mml grade ASSIGNMENT --student ...`` then hands it its submissions (at most
:data:`SERVED_MAX`), one per connection, and records the results itself: the gradebook
keeps its one writer. Each submission is graded by the batch's own ``grade_task`` in the
same warm sandbox, which kills and wipes everything between two students.

Trust: the socket lives in a folder that only the user can enter (:func:`runtime_folder`),
and the service answers only its own uid (``SO_PEERCRED``). A service serves one course,
one assignment and one set of command-line overrides (the socket's name is their digest),
and it stops, without grading, when a request shows that the course's configuration, the
assignment's source folder or the grader's code changed since it started
(:func:`course_key`). Whatever goes wrong with a service, the command grades the
submission itself: a service is only a matter of speed.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import socket
import stat
import struct
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import graders
from graders.config import CONFIG_FILE, Course
from graders.errors import ConfigError

__all__ = ["IDLE_SECONDS", "SERVED_MAX", "course_key", "find_service", "grade_served",
           "runtime_folder", "serve", "socket_path"]

#: The version of the request and reply lines.
VERSION = 1

#: A service with no request for this long stops (``mml serve --idle``).
IDLE_SECONDS = 1800.0

#: Most submissions one command hands to a service; a larger batch starts its own pool. A
#: service grades one at a time, a fresh pool of two workers pays its start-up and then
#: grades two at once. Measured on 2 cores (ps1_linear_algebra, median of 3 interleaved
#: runs each): one submission 0.66 s served against 1.52 s pooled, four 2.15 against 2.94,
#: eight 4.34 against 4.35, twelve 5.48 against 5.17.
SERVED_MAX = 8

#: Longest request line a service reads (a student id and a digest need far less).
REQUEST_BYTES = 65536

#: Why a service stops when a request comes from a course that changed.
STALE = ("the course's configuration, the assignment's source or the grader's code changed "
         "since it started; `mml serve` again serves the new one")

#: Longest path of a Unix socket (``sun_path`` holds 108 bytes with the final NUL).
MAX_SOCKET_PATH = 107

_STUDENT = re.compile(r"^[^/\x00]+$")


def runtime_folder(create: bool = False) -> Path | None:
    """The user's private folder of service sockets, or None when there is none (yet).

    ``$XDG_RUNTIME_DIR/mml`` where the session has one, else ``<tmp>/mml-<uid>``. A folder
    that another user could enter or that is not the user's own is refused: with
    ``create`` (the service) by an error that names it, otherwise (a command looking for a
    service) by ignoring it.
    """
    base = os.environ.get("XDG_RUNTIME_DIR")
    folder = Path(base) / "mml" if base else Path(tempfile.gettempdir()) / f"mml-{os.getuid()}"
    try:
        if create:
            folder.mkdir(mode=0o700, exist_ok=True)
        info = os.lstat(folder)
    except OSError as exc:
        if create:
            raise ConfigError(f"{folder}: the folder of grading services cannot be made "
                              f"({exc.strerror}); set XDG_RUNTIME_DIR to a folder of "
                              "yours") from exc
        return None
    if stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid() and not info.st_mode & 0o077:
        return folder
    if create:
        raise ConfigError(f"{folder}: the folder of grading services must be a folder of "
                          "yours that no one else can enter (mode 700); remove it and run "
                          "the command again")
    return None


def socket_path(folder: Path, course: Course, assignment: str,
                overrides: dict[str, object]) -> Path:
    """The socket of the service of ``assignment`` in ``course`` with ``overrides``."""
    what = json.dumps([str(course.root), assignment, sorted(overrides.items())], default=str)
    return folder / f"{hashlib.sha256(what.encode()).hexdigest()[:24]}.sock"


def course_key(course: Course, assignment: str) -> str:
    """A digest of what a service's grades depend on and a command can see change.

    The configuration file's bytes, and the name, size and modification time of every file
    of the assignment's source folder and of the grader's own Python code (a few
    milliseconds: no notebook is parsed).
    """
    digest = hashlib.sha256(sys.version.encode())
    config = course.root / CONFIG_FILE
    digest.update(config.read_bytes() if config.is_file() else b"-")
    package = Path(graders.__file__).parent
    for base, files in ((course.root / "source" / assignment, "*"), (package, "*.py")):
        for path in sorted(base.rglob(files)):
            try:
                info = path.stat()
            except OSError:  # removed meanwhile: a change like any other
                digest.update(f"{path.relative_to(base)}:gone;".encode())
                continue
            digest.update(f"{path.relative_to(base)}:{info.st_size}:{info.st_mtime_ns};"
                          .encode())
    return digest.hexdigest()


def _peer_uid(conn: socket.socket) -> int:
    """The uid of the process at the other end of the Unix socket ``conn``."""
    creds = conn.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
    return int(struct.unpack("3i", creds)[1])


def _read_line(conn: socket.socket) -> bytes:
    """One line from ``conn`` (at most :data:`REQUEST_BYTES`; b"" when it ends first)."""
    data = b""
    while b"\n" not in data and len(data) < REQUEST_BYTES:
        chunk = conn.recv(REQUEST_BYTES)
        if not chunk:
            return b""
        data += chunk
    return data.split(b"\n", 1)[0]


def _send(conn: socket.socket, reply: dict[str, Any]) -> None:
    """Write one reply line; a client that left meanwhile is not an error."""
    try:
        conn.sendall(json.dumps(reply).encode() + b"\n")
    except OSError:
        pass


def _answer(request: bytes, assignment: str, key: str,
            grade: Callable[[str, str], str]) -> tuple[dict[str, Any], str | None]:
    """The reply to one request line, and why the service stops afterwards (None: it goes on).

    A request from a course that changed since the service started stops it (the command
    then grades locally, and the next ``mml serve`` starts from the new course).
    """
    try:
        asked = json.loads(request)
        student, version = str(asked["student"]), asked["version"]
        ours, same = asked["assignment"] == assignment, asked["key"] == key
    except (ValueError, KeyError, TypeError):
        return {"status": "refused", "reason": "not a grading request"}, None
    if version != VERSION or not ours or not _STUDENT.match(student) or student in (".", ".."):
        return {"status": "refused", "reason": "not a grading request of this service"}, None
    if not same:
        return {"status": "stale", "reason": STALE}, STALE
    return {"status": "ok", "result": grade(assignment, student)}, None


def _serve_one(listener: socket.socket, assignment: str, key: str,
               grade: Callable[[str, str], str], idle: float) -> str | None:
    """Answer one connection; why the service stops now (idle, or stale), or None."""
    listener.settimeout(idle or None)
    try:
        conn, _ = listener.accept()
    except TimeoutError:
        return f"no request for {idle:g} s"
    with conn:
        if _peer_uid(conn) != os.getuid():
            _send(conn, {"status": "refused", "reason": "another user's request"})
            return None
        conn.settimeout(30.0)  # the request is one short line, written at once
        try:
            request = _read_line(conn)
        except OSError:
            return None
        conn.settimeout(None)
        reply, stop = _answer(request, assignment, key, grade)
        _send(conn, reply)
    return stop


def _listen(path: Path) -> socket.socket:
    """A listening socket at ``path``, refusing if a service already answers there.

    A socket file left by a service killed outright (nothing listens) is replaced.
    """
    if len(os.fsencode(path)) > MAX_SOCKET_PATH:
        raise ConfigError(f"{path}: too long for a Unix socket ({MAX_SOCKET_PATH} bytes at "
                          "most); set XDG_RUNTIME_DIR (or TMPDIR) to a short folder of yours")
    probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        probe.connect(str(path))
    except (FileNotFoundError, ConnectionRefusedError):
        path.unlink(missing_ok=True)
    else:
        raise ConfigError(f"{path}: `mml serve` already runs for this assignment and course "
                          "(stop it with Ctrl-C, or let `mml grade` use it)")
    finally:
        probe.close()
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(str(path))
    os.chmod(path, 0o600)
    listener.listen(16)
    return listener


def serve(course: Course, assignment: str, overrides: dict[str, object],
          idle: float = IDLE_SECONDS,
          on_ready: Callable[[Path], None] | None = None,
          log: Callable[[str], None] = lambda line: None) -> None:
    """Grade ``assignment``'s submissions on request until ``idle`` seconds pass without one.

    This process becomes a grading worker (its warm sandbox booting at once); ``on_ready``
    is called with the socket's path once it accepts requests, ``log`` with a line per
    submission graded and one saying why the service stopped. The socket is removed when
    the service stops, however it stops short of being killed outright.
    """
    from graders.batch.pool import become_worker, grade_task

    folder = runtime_folder(create=True)
    assert folder is not None  # create=True raises instead
    path = socket_path(folder, course, assignment, overrides)
    key = course_key(course, assignment)
    listener = _listen(path)
    inode = os.stat(path).st_ino
    try:
        become_worker(course, assignment)
        if on_ready is not None:
            on_ready(path)


        def grade(assignment: str, student: str) -> str:
            start = time.perf_counter()
            text = grade_task(assignment, student)
            log(f"{student}: graded in {time.perf_counter() - start:.2f} s")
            return text

        while (why := _serve_one(listener, assignment, key, grade, idle)) is None:
            pass
        log(f"stopped: {why}")
    finally:
        listener.close()
        try:
            if os.stat(path).st_ino == inode:
                path.unlink()
        except OSError:
            pass


def _ask(path: Path, request: dict[str, Any], timeout: float) -> dict[str, Any] | None:
    """The service's reply to ``request``, or None if it cannot be had."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.settimeout(timeout)
            conn.connect(str(path))
            conn.sendall(json.dumps(request).encode() + b"\n")
            data = b""
            while chunk := conn.recv(1 << 20):
                data += chunk
        reply = json.loads(data)
    except (OSError, ValueError):
        return None
    return reply if isinstance(reply, dict) else None


def find_service(course: Course, assignment: str, overrides: dict[str, object]) -> Path | None:
    """The socket of the service of ``assignment`` with ``overrides``, if one may be running."""
    folder = runtime_folder()
    path = None if folder is None else socket_path(folder, course, assignment, overrides)
    return path if path is not None and path.exists() else None


def grade_served(path: Path, course: Course, assignment: str, students: list[str],
                 left: list[str]) -> Iterator[str]:
    """The results (JSON) of ``students`` graded by the service at ``path``, as they come.

    Students the service does not grade (it is gone, it stopped, it refused) are appended
    to ``left``, for the caller to grade itself.
    """
    key = course_key(course, assignment)
    timeout = 3 * course.grader.submission_timeout + 60  # a job, a relaunch, the judge
    for i, student in enumerate(students):
        reply = _ask(path, {"version": VERSION, "assignment": assignment, "key": key,
                            "student": student}, timeout)
        if reply is None or reply.get("status") != "ok" or not isinstance(
                reply.get("result"), str):
            left.extend(students[i:])
            return
        yield reply["result"]
