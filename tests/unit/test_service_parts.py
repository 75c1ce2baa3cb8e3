"""The grading service's parts without a sandbox: its folder, names, key and requests."""

from __future__ import annotations

import json
import os
import socket
import threading
from pathlib import Path

import pytest
from notebooks import make_course

from graders.batch import service
from graders.config import load_course
from graders.errors import ConfigError

pytestmark = pytest.mark.unit


def _graded(assignment: str, student: str) -> str:
    return json.dumps({"graded": [assignment, student]})


def _request(**changes: object) -> bytes:
    asked = {"version": service.VERSION, "assignment": "tiny", "key": "k", "student": "s1"}
    return json.dumps({**asked, **changes}).encode()


def test_a_request_of_this_course_is_graded_and_the_service_goes_on() -> None:
    reply, stop = service._answer(_request(), "tiny", "k", _graded)
    assert reply == {"status": "ok", "result": _graded("tiny", "s1")} and stop is None


def test_a_request_from_a_changed_course_stops_the_service_without_grading() -> None:
    calls: list[tuple[str, str]] = []
    reply, stop = service._answer(_request(key="other"), "tiny", "k",
                                  lambda a, s: calls.append((a, s)) or "")
    assert reply["status"] == "stale" and stop == service.STALE and calls == []


@pytest.mark.parametrize("request_line", [
    b"not json", b"[]", _request(version=0), _request(student="../s2"),
    _request(student=".."), _request(student="a\x00b"), _request(assignment="other"),
    json.dumps({"version": service.VERSION, "assignment": "tiny", "key": "k"}).encode(),
])
def test_anything_else_is_refused_and_the_service_goes_on(request_line: bytes) -> None:
    calls: list[tuple[str, str]] = []
    reply, stop = service._answer(request_line, "tiny", "k",
                                  lambda a, s: calls.append((a, s)) or "")
    assert reply["status"] == "refused" and stop is None and calls == []


def test_runtime_folder_is_made_private_and_an_open_one_is_refused(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert service.runtime_folder() is None  # a command looking for a service makes nothing
    folder = service.runtime_folder(create=True)
    assert folder == tmp_path / "mml" and (folder.stat().st_mode & 0o777) == 0o700
    assert service.runtime_folder() == folder
    folder.chmod(0o755)  # another user could enter it, or made it
    assert service.runtime_folder() is None
    with pytest.raises(ConfigError, match=f"{folder}: .*mode 700"):
        service.runtime_folder(create=True)
    folder.rmdir()
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    folder.symlink_to(tmp_path / "elsewhere")  # a link is not the user's own folder
    assert service.runtime_folder() is None
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "gone"))
    assert service.runtime_folder() is None
    with pytest.raises(ConfigError, match=f"{tmp_path / 'gone' / 'mml'}: .*cannot be made"):
        service.runtime_folder(create=True)


def test_socket_names_differ_by_course_assignment_and_overrides(tmp_path: Path) -> None:
    a = load_course(make_course(tmp_path / "a"))
    b = load_course(make_course(tmp_path / "b"))
    names = {service.socket_path(tmp_path, c, x, o)
             for c in (a, b) for x in ("tiny", "other") for o in ({}, {"sandbox": "docker"})}
    assert len(names) == 8 and all(len(str(p).encode()) < 108 for p in names)


def test_course_key_follows_the_configuration_the_source_and_nothing_else(
        tmp_path: Path) -> None:
    root = make_course(tmp_path / "c")
    course = load_course(root)
    key = service.course_key(course, "tiny")
    assert service.course_key(course, "tiny") == key
    (root / "submitted" / "s1").mkdir(parents=True)  # submissions are the requests' business
    assert service.course_key(course, "tiny") == key
    with open(root / "nbgrader_config.py", "a") as fh:
        fh.write("\n# edited\n")
    edited = service.course_key(course, "tiny")
    assert edited != key
    (root / "source" / "tiny" / "data.csv").write_text("1,2\n")  # a file the notebook reads
    assert service.course_key(course, "tiny") not in (key, edited)


def _serve_once(tmp_path: Path, send: bytes, monkeypatch: pytest.MonkeyPatch,
                peer_uid: int | None = None) -> tuple[dict[str, object], str | None]:
    path = tmp_path / "s.sock"
    listener = service._listen(path)
    if peer_uid is not None:
        monkeypatch.setattr(service, "_peer_uid", lambda conn: peer_uid)
    got: list[bytes] = []

    def client() -> None:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
            conn.connect(str(path))
            if send:  # a stranger is answered before anything is read
                conn.sendall(send)
            got.append(conn.makefile("rb").read())

    thread = threading.Thread(target=client)
    thread.start()
    stop = service._serve_one(listener, "tiny", "k", _graded, 60.0)
    thread.join(60)
    listener.close()
    return json.loads(got[0]), stop


def test_one_connection_one_reply_over_a_real_socket(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert (tmp_path / "s.sock").exists() is False
    reply, stop = _serve_once(tmp_path, _request() + b"\n", monkeypatch)
    assert reply == {"status": "ok", "result": _graded("tiny", "s1")} and stop is None
    assert ((tmp_path / "s.sock").stat().st_mode & 0o777) == 0o600


def test_another_users_request_is_refused(tmp_path: Path,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    reply, stop = _serve_once(tmp_path, b"", monkeypatch, peer_uid=os.getuid() + 1)
    assert reply["status"] == "refused" and "another user" in str(reply["reason"])
    assert stop is None


def test_an_idle_service_stops(tmp_path: Path) -> None:
    listener = service._listen(tmp_path / "s.sock")
    assert service._serve_one(listener, "tiny", "k", _graded, 0.2) == "no request for 0.2 s"
    listener.close()


def test_a_socket_left_by_a_killed_service_is_replaced_and_a_live_one_refused(
        tmp_path: Path) -> None:
    path = tmp_path / "s.sock"
    dead = service._listen(path)
    dead.close()  # the file stays, as after kill -9
    live = service._listen(path)
    with pytest.raises(ConfigError, match="already runs"):
        service._listen(path)
    live.close()


def test_a_socket_path_too_long_names_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="XDG_RUNTIME_DIR"):
        service._listen(tmp_path / ("x" * 120 + ".sock"))


def test_no_service_means_none_found(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    course = load_course(make_course(tmp_path / "c"))
    assert service.find_service(course, "tiny", {}) is None
    folder = service.runtime_folder(create=True)
    assert folder is not None and service.find_service(course, "tiny", {}) is None
    service.socket_path(folder, course, "tiny", {}).touch()
    assert service.find_service(course, "tiny", {}) == service.socket_path(folder, course,
                                                                           "tiny", {})
    assert service.find_service(course, "tiny", {"sandbox": "unsafe"}) is None
