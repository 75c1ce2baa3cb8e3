"""Tests of graders.nbgrader_io.collect: LMS bulk downloads into submitted/, safely."""

from __future__ import annotations

import stat
import struct
import time
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import nbformat
import pytest
from click.testing import CliRunner
from notebooks import make_course, source_notebook

from graders.commands.cli import main
from graders.config import Course, load_course
from graders.errors import ConfigError, UnsafeArchive
from graders.nbgrader_io.collect import Limits, collect, parse_time

A = "tiny"
NB = nbformat.writes(source_notebook()).encode()
T1 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return load_course(make_course(tmp_path / "course"))


def make_zip(path: Path, entries: dict[str, bytes], *, when: tuple[int, ...] = (2026, 3, 1, 12,
             0, 0), mode: int | None = None, method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as zf:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=when)  # type: ignore[arg-type]
            info.compress_type = method
            if mode is not None:
                info.external_attr = mode << 16
            zf.writestr(info, data)
    return path


def submitted(course: Course, student: str) -> Path:
    return course.submitted_dir(A) / student / A


# --- the presets' file names -------------------------------------------------------------


def test_canvas_names_give_the_login_or_the_user_id(course: Course, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "submissions.zip", {
        "doejane_1234_567890_tiny.ipynb": NB,
        "smithbob_late_2345_678901_tiny-1.ipynb": NB,
        "notes.txt": b"x",
    })
    report = collect(course, A, archive, pattern="canvas")
    assert sorted(i.student for i in report.imported) == ["doejane", "smithbob"]
    assert (submitted(course, "doejane") / "tiny.ipynb").read_bytes() == NB
    assert [s.entry for s in report.skipped] == ["notes.txt"]
    report = collect(course, A, archive, pattern="canvas-id", time=T2)
    assert sorted(i.student for i in report.imported) == ["1234", "2345"]


def test_moodle_names_in_folders_or_flat(course: Course, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "moodle.zip", {
        "Jane Doe_98765_assignsubmission_file_/tiny.ipynb": NB,
        "Bob Smith_98766_assignsubmission_file_tiny.ipynb": NB,
        "Eve_98767_assignsubmission_onlinetext_onlinetext.html": b"<p>hi</p>",
    })
    report = collect(course, A, archive, pattern="moodle")
    assert sorted(i.student for i in report.imported) == ["Bob_Smith", "Jane_Doe"]
    assert (submitted(course, "Jane_Doe") / "timestamp.txt").read_text() == \
        "2026-03-01 12:00:00.000000 UTC\n"
    assert len(report.skipped) == 1 and "not a notebook" in report.skipped[0].reason


def test_a_custom_pattern_and_names_it_cannot_use(course: Course, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", {"s01-tiny.ipynb": NB, "x.ipynb": NB,
                                            "..hidden-tiny.ipynb": NB})
    report = collect(course, A, archive, pattern=r"^(?P<student>[^-]+)-tiny\.ipynb$")
    assert [i.student for i in report.imported] == ["s01"]
    reasons = {s.entry: s.reason for s in report.skipped}
    assert "does not match" in reasons["x.ipynb"]
    assert "not a usable student id" in reasons["..hidden-tiny.ipynb"]
    with pytest.raises(ConfigError, match="named group"):
        collect(course, A, archive, pattern=r"^(.*)$")


def test_the_zip_extended_timestamp_is_utc(course: Course, tmp_path: Path) -> None:
    """A zip's DOS time has no zone; the 'UT' extra field is UTC and wins when present."""
    info = zipfile.ZipInfo("doejane_1_2_tiny.ipynb", date_time=(2026, 3, 1, 23, 0, 0))
    info.extra = struct.pack("<HHBi", 0x5455, 5, 1, int(T2.timestamp()))
    with zipfile.ZipFile(tmp_path / "ut.zip", "w") as zf:
        zf.writestr(info, NB)
    report = collect(course, A, tmp_path / "ut.zip")
    assert report.imported[0].time == "2026-03-02 12:00:00.000000 UTC"


# --- resubmissions ---------------------------------------------------------------------


def test_a_newer_entry_replaces_and_an_older_one_is_skipped(course: Course,
                                                           tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", {"doejane_1_2_tiny.ipynb": NB})
    collect(course, A, archive, time=T1)
    newer = make_zip(tmp_path / "b.zip", {"doejane_1_3_tiny.ipynb": NB + b"\n"})
    report = collect(course, A, newer, time=T2)
    assert report.imported[0].replaced == "2026-03-01 12:00:00.000000 UTC"
    assert (submitted(course, "doejane") / "tiny.ipynb").read_bytes() == NB + b"\n"
    assert "replaced the submission of 2026-03-01" in report.text()
    report = collect(course, A, archive, time=T1)  # the first download, imported again
    assert report.imported == [] and "not newer" in report.skipped[0].reason
    assert (submitted(course, "doejane") / "tiny.ipynb").read_bytes() == NB + b"\n"
    assert (submitted(course, "doejane") / "timestamp.txt").read_text().startswith("2026-03-02")


def test_two_copies_in_one_archive_keep_the_newest(course: Course, tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as zf:
        zf.writestr(zipfile.ZipInfo("doejane_1_2_tiny.ipynb", (2026, 3, 2, 0, 0, 0)), NB + b" ")
        zf.writestr(zipfile.ZipInfo("doejane_1_1_tiny.ipynb", (2026, 3, 1, 0, 0, 0)), NB)
    report = collect(course, A, tmp_path / "a.zip")
    assert [i.entry for i in report.imported] == ["doejane_1_2_tiny.ipynb"]
    assert "older copy" in report.skipped[0].reason


def test_a_submission_without_timestamp_is_not_overwritten(course: Course,
                                                          tmp_path: Path) -> None:
    folder = submitted(course, "doejane")
    folder.mkdir(parents=True)
    (folder / "tiny.ipynb").write_bytes(b"mine")
    report = collect(course, A, make_zip(tmp_path / "a.zip", {"doejane_1_2_tiny.ipynb": NB}))
    assert report.imported == [] and "without a timestamp.txt" in report.skipped[0].reason
    assert (folder / "tiny.ipynb").read_bytes() == b"mine"


# --- unsafe archives: refused whole, nothing written --------------------------------------


def refused(course: Course, archive: Path, match: str, limits: Limits | None = None) -> None:
    with pytest.raises(UnsafeArchive, match=match):
        collect(course, A, archive, limits=limits)
    assert not course.submitted_dir(A).exists(), "nothing may be written"


def test_absolute_path(course: Course, tmp_path: Path) -> None:
    refused(course, make_zip(tmp_path / "a.zip", {"doejane_1_2_tiny.ipynb": NB,
                                                  "/etc/cron.d/x_1_2_tiny.ipynb": NB}),
            "absolute path")


def test_dot_dot_path(course: Course, tmp_path: Path) -> None:
    refused(course, make_zip(tmp_path / "a.zip", {"../../x_1_2_tiny.ipynb": NB}), r"'\.\.'")


def test_symbolic_link(course: Course, tmp_path: Path) -> None:
    refused(course, make_zip(tmp_path / "a.zip", {"doejane_1_2_tiny.ipynb": b"/etc/passwd"},
                             mode=stat.S_IFLNK | 0o777), "symbolic link")


@pytest.mark.parametrize("kind", [stat.S_IFCHR, stat.S_IFBLK, stat.S_IFIFO, stat.S_IFSOCK])
def test_device_or_special_file(course: Course, tmp_path: Path, kind: int) -> None:
    refused(course, make_zip(tmp_path / "a.zip", {"doejane_1_2_tiny.ipynb": b""},
                             mode=kind | 0o644), "device or other special file")


def test_too_many_entries(course: Course, tmp_path: Path) -> None:
    entries = {f"s{i}_1_{i}_tiny.ipynb": NB for i in range(11)}
    refused(course, make_zip(tmp_path / "a.zip", entries), "11 entries",
            Limits(max_entries=10))


def test_too_many_bytes(course: Course, tmp_path: Path) -> None:
    entries = {f"s{i}_1_{i}_tiny.ipynb": NB for i in range(3)}
    refused(course, make_zip(tmp_path / "a.zip", entries), "bytes uncompressed",
            Limits(max_bytes=2 * len(NB)))


def test_zip_bomb_ratio(course: Course, tmp_path: Path) -> None:
    """8 MiB of zeros deflate to about 8 KiB: a ratio near 1000, far over 100."""
    refused(course, make_zip(tmp_path / "a.zip", {"doejane_1_2_tiny.ipynb": bytes(8 << 20)}),
            "zip bomb")


def _forge_sizes(path: Path, declared: int) -> None:
    """Rewrite the uncompressed size in the local and central headers (a lying archive)."""
    data = bytearray(path.read_bytes())
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 22:local + 26] = struct.pack("<I", declared)
    data[central + 24:central + 28] = struct.pack("<I", declared)
    path.write_bytes(bytes(data))


def test_sizes_are_counted_while_extracting(course: Course, tmp_path: Path) -> None:
    """Headers declaring 1000 bytes for 2 MiB of data pass the directory's checks (ratio
    about 0.5), and are caught while extracting: nothing is written."""
    archive = make_zip(tmp_path / "a.zip", {"doejane_1_2_tiny.ipynb": bytes(range(256)) * 8192},
                       method=zipfile.ZIP_STORED)
    _forge_sizes(archive, 1000)
    refused(course, archive, "corrupt or forged|inflates past")


def test_an_encrypted_entry_is_refused_not_a_crash(course: Course, tmp_path: Path) -> None:
    """zipfile raises RuntimeError (no password) when opening an entry whose encryption bit
    is set: the archive is refused up front with the usual message instead."""
    archive = make_zip(tmp_path / "a.zip", {"doejane_1_2_tiny.ipynb": NB})
    data = bytearray(archive.read_bytes())  # zipfile clears the bit on write: set it here
    local, central = data.find(b"PK\x03\x04"), data.find(b"PK\x01\x02")
    data[local + 6] |= 0x1
    data[central + 8] |= 0x1
    archive.write_bytes(bytes(data))
    refused(course, archive, "encrypted")


def test_an_entry_name_cannot_drive_the_terminal(course: Course, tmp_path: Path) -> None:
    """Entry names are the uploader's: one with an escape sequence is printed quoted."""
    archive = make_zip(tmp_path / "a.zip", {"doejane_1_2_tiny.ipynb": NB,
                                            "x\x1b[2J\x1b]0;owned\x07.txt": b"",
                                            "a\x1b[2J_1_2_other.ipynb": NB})
    text = collect(course, A, archive).text()
    assert "\x1b" not in text and "\x07" not in text
    assert "skipped 'x\\x1b[2J\\x1b]0;owned\\x07.txt': not a notebook" in text


def test_not_a_zip(course: Course, tmp_path: Path) -> None:
    (tmp_path / "a.zip").write_bytes(b"not a zip")
    with pytest.raises(ConfigError, match="not a readable zip"):
        collect(course, A, tmp_path / "a.zip")


# --- the command ------------------------------------------------------------------------


def test_mml_collect_prints_what_it_did(course: Course, tmp_path: Path) -> None:
    archive = make_zip(tmp_path / "a.zip", {"doejane_1_2_tiny.ipynb": NB, "readme.txt": b""})
    out = CliRunner().invoke(main, ["collect", A, str(archive), "--course", str(course.root),
                                    "--time", "2026-03-01T13:00:00+01:00"])
    assert out.exit_code == 0, out.output
    assert "imported doejane: doejane_1_2_tiny.ipynb (2026-03-01 12:00:00.000000 UTC)" in \
        out.output
    assert "skipped readme.txt: not a notebook" in out.output
    assert "1 imported" in out.output and "1 skipped" in out.output


def test_parse_time_without_zone_is_utc() -> None:
    assert parse_time("2026-03-01 12:00") == T1
    with pytest.raises(ConfigError, match="ISO 8601"):
        parse_time("yesterday")


def test_a_naive_time_is_utc_whatever_the_machine_zone(course: Course, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """A library caller's naive ``time`` means UTC, as ``--time`` without a zone does: not
    the grading machine's local time, and no TypeError beside an existing timestamp."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        collect(course, A, make_zip(tmp_path / "a.zip", {"doejane_1_2_tiny.ipynb": NB}), time=T1)
        report = collect(course, A, make_zip(tmp_path / "b.zip",
                                             {"doejane_1_3_tiny.ipynb": NB + b" "}),
                         time=T2.replace(tzinfo=None))
    finally:
        monkeypatch.undo()
        time.tzset()
    assert report.imported[0].time == "2026-03-02 12:00:00.000000 UTC"
    assert (submitted(course, "doejane") / "timestamp.txt").read_text().startswith(
        "2026-03-02 12:00:00")
