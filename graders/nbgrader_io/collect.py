"""Import a learning management system's bulk download into nbgrader's ``submitted/``.

``mml collect ASSIGNMENT ARCHIVE`` takes the zip a TA downloads from the LMS ("Download
Submissions" in Canvas, "Download all submissions" in Moodle), one notebook per student,
and writes each as ``submitted/<student>/<assignment>/<assignment>.ipynb`` with nbgrader's
``timestamp.txt`` beside it, the layout ``nbgrader collect`` and ``mml grade`` read.

The student id comes from each entry's name by a regular expression with a named group
``student`` (nbgrader's ``zip_collect`` does the same with its ``named_regexp``). Presets:

* ``canvas``: Canvas names each file ``<login id or lastfirst>_[late_]<user id>_<submission
  id>_<original file name>``; the student is the first part.
* ``canvas-id``: the same names, the student being Canvas's numeric user id.
* ``moodle``: Moodle names each file (or, with "download submissions in folders", each
  folder) ``<Full Name>_<participant id>_assignsubmission_file_<original file name>``; the
  student is the full name, its spaces turned into ``_``.

The submission time is the entry's modification time (the zip's extended timestamp, which is
UTC, else its DOS time read in ``timezone``), or ``time`` when given. A submission already in
``submitted/`` with the same or a newer ``timestamp.txt`` is never overwritten: the older
entry is skipped and reported; a newer entry replaces it and is reported as a replacement.

The archive is untrusted. It is refused as a whole (:class:`~graders.errors.UnsafeArchive`,
nothing written) when an entry's path is absolute or has a ``..`` part, when an entry is a
symbolic link or a device or other special file or is encrypted, when it has more than
``max_entries`` entries or declares more than ``max_bytes`` in total, when a large entry's
compression ratio is that of a zip bomb, or when an entry inflates past the size its central
directory declares (bytes are counted while extracting: the headers are never trusted
alone). Accepted entries are extracted into a staging folder first and moved into place only
when all succeeded.
"""

from __future__ import annotations

import json
import re
import shutil
import stat
import struct
import tempfile
import zipfile
import zlib
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path, PurePosixPath

from graders.config import Course
from graders.errors import ConfigError, UnsafeArchive

__all__ = ["PRESETS", "CollectReport", "Imported", "Limits", "Skipped", "collect", "parse_time",
           "parse_zone"]

#: File-name patterns of the LMS bulk downloads (see the module docstring).
PRESETS: dict[str, str] = {
    "canvas": r"^(?P<student>[^/]+?)_(?:late_|LATE_)?\d+_\d+_(?P<filename>[^/]+)$",
    "canvas-id": r"^[^/]+?_(?:late_|LATE_)?(?P<student>\d+)_\d+_(?P<filename>[^/]+)$",
    "moodle": r"^(?P<student>[^/]+?)_\d+_assignsubmission_file_/?(?P<filename>[^/]+)$",
}

#: A student id must be a plain folder name (nbgrader uses it as one).
STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,99}$")

#: nbgrader's ``timestamp.txt`` format (``nbgrader.utils.parse_utc`` reads it back).
TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f %Z"

SCHEMA_VERSION = 1
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Limits:
    """What an archive may hold before it is refused.

    Attributes:
        max_entries: entries (files and folders) in the archive. A class of a few hundred
            students with a file or two each stays far below the default.
        max_bytes: uncompressed bytes declared by all entries together.
        max_entry_bytes: uncompressed bytes of one notebook; a larger one is skipped (the
            grader would refuse it anyway: ``c.MMLGrader.max_notebook_mb``).
        max_ratio: uncompressed/compressed size of one entry above ``ratio_floor`` bytes.
            Deflate cannot exceed about 1032:1; notebooks (JSON, base64 images) compress
            10:1 at most in practice, so 100:1 leaves a tenfold margin and stops a bomb.
        ratio_floor: entries smaller than this are not ratio-checked (a tiny file of
            blanks compresses well and is harmless).
    """

    max_entries: int = 10_000
    max_bytes: int = 2 << 30
    max_entry_bytes: int = 20 << 20
    max_ratio: float = 100.0
    ratio_floor: int = 1 << 20


@dataclass(frozen=True)
class Imported:
    """One submission written into ``submitted/``.

    Attributes:
        student: the student id.
        entry: the archive entry it came from.
        time: the submission time written to ``timestamp.txt``.
        replaced: the time of the older submission it replaced ("" if it was new).
    """

    student: str
    entry: str
    time: str
    replaced: str = ""


@dataclass(frozen=True)
class Skipped:
    """One archive entry not imported, and why.

    Attributes:
        entry: the archive entry.
        reason: why it was skipped.
    """

    entry: str
    reason: str


@dataclass
class CollectReport:
    """What ``mml collect`` did with one archive.

    Attributes:
        assignment: the assignment id.
        archive: the archive's file name.
        imported: the submissions written, by student.
        skipped: the entries not imported, with reasons.
        schema_version: version of the JSON form.
    """

    assignment: str
    archive: str
    imported: list[Imported] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    schema_version: int = SCHEMA_VERSION

    def text(self) -> str:
        """One line per imported submission and per skipped entry, then a count.

        An entry name (or a reason quoting one) with a control character, which the archive's
        maker chose, is shown as a quoted Python literal so that it cannot act on the terminal.
        """
        lines = [f"imported {i.student}: {_shown(i.entry)} ({i.time}"
                 + (f"; replaced the submission of {i.replaced})" if i.replaced else ")")
                 for i in self.imported]
        lines += [f"skipped {_shown(s.entry)}: {_shown(s.reason)}" for s in self.skipped]
        lines.append(f"{self.archive}: {len(self.imported)} imported into submitted/*/"
                     f"{self.assignment}/, {len(self.skipped)} skipped")
        return "\n".join(lines)

    def to_json(self) -> str:
        """The versioned JSON form."""
        return json.dumps(asdict(self), indent=1, sort_keys=True)


def _shown(name: str) -> str:
    """An entry name as printed: itself, or its quoted literal if it is not all printable."""
    return name if name.isprintable() else repr(name)


def _refuse(archive: Path, entry: str, why: str) -> UnsafeArchive:
    """The refusal of the whole archive for one entry, naming both and what to do."""
    return UnsafeArchive(f"{archive}: refused, nothing imported: entry {entry!r} {why}; "
                         f"download the archive again from the LMS, or unpack and check it "
                         f"by hand")


def _check_entry(archive: Path, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Refuse the archive for this entry's path, type or compression ratio."""
    name = info.filename
    parts = re.split(r"[/\\]", name)
    if name.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", name):
        raise _refuse(archive, name, "has an absolute path")
    if ".." in parts:
        raise _refuse(archive, name, "has a '..' path component (it would escape the folder)")
    mode = info.external_attr >> 16
    kind = stat.S_IFMT(mode)
    if stat.S_ISLNK(mode):
        raise _refuse(archive, name, "is a symbolic link")
    if kind and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise _refuse(archive, name, "is a device or other special file")
    if info.flag_bits & 0x1:
        raise _refuse(archive, name, "is encrypted (an LMS download never is)")
    if info.file_size > limits.ratio_floor and (
            info.file_size > limits.max_ratio * max(info.compress_size, 1)):
        raise _refuse(archive, name, f"expands {info.file_size / max(info.compress_size, 1):.0f}"
                      f" times (over {limits.max_ratio:g}: a zip bomb)")


def _check_archive(archive: Path, zf: zipfile.ZipFile, limits: Limits) -> list[zipfile.ZipInfo]:
    """Every entry, after the checks of the whole central directory."""
    infos = zf.infolist()
    if len(infos) > limits.max_entries:
        raise UnsafeArchive(f"{archive}: refused, nothing imported: {len(infos)} entries "
                            f"(at most {limits.max_entries}); is it the right archive?")
    total = sum(i.file_size for i in infos)
    if total > limits.max_bytes:
        raise UnsafeArchive(f"{archive}: refused, nothing imported: its entries declare "
                            f"{total} bytes uncompressed (at most {limits.max_bytes})")
    for info in infos:
        _check_entry(archive, info, limits)
    return infos


def _utc_mtime(info: zipfile.ZipInfo) -> datetime | None:
    """The extended-timestamp extra field's modification time (UTC), if present."""
    extra = info.extra
    while len(extra) >= 4:
        tag, size = struct.unpack("<HH", extra[:4])
        body = extra[4:4 + size]
        if tag == 0x5455 and len(body) >= 5 and body[0] & 1:
            return datetime.fromtimestamp(struct.unpack("<i", body[1:5])[0], UTC)
        extra = extra[4 + size:]
    return None


def _entry_time(info: zipfile.ZipInfo, zone: tzinfo) -> datetime:
    """When the entry was last modified, in UTC."""
    found = _utc_mtime(info)
    if found is not None:
        return found
    return datetime(*info.date_time, tzinfo=zone).astimezone(UTC)


def _format(moment: datetime) -> str:
    """``moment`` as nbgrader's ``timestamp.txt`` writes a time (UTC)."""
    return moment.astimezone(UTC).strftime(TIMESTAMP_FORMAT)


def _existing_time(folder: Path) -> datetime | None:
    """The ``timestamp.txt`` of a submission already there (UTC), or None."""
    from nbgrader.utils import parse_utc

    try:
        parsed = parse_utc((folder / "timestamp.txt").read_text(encoding="utf-8").strip())
    except (OSError, ValueError, OverflowError):
        return None
    return parsed.replace(tzinfo=UTC) if parsed is not None else None


def _student_of(name: str, pattern: re.Pattern[str]) -> tuple[str, str] | str:
    """(student id, original file name) of an entry, or the reason it has none."""
    match = pattern.match(name)
    if match is None:
        return f"its name does not match the pattern {pattern.pattern!r}"
    student = re.sub(r"\s+", "_", match.group("student").strip())
    if not STUDENT_ID.match(student) or student in (".", ".."):
        return f"{student!r} is not a usable student id (letters, digits, . _ @ + -)"
    groups = match.groupdict()
    return student, groups.get("filename") or PurePosixPath(name).name


def _notebook_name(filename: str, assignment: str, notebooks: list[str]) -> str | None:
    """The notebook of the assignment this file is (``<assignment>.ipynb`` if it has one)."""
    if len(notebooks) == 1:
        return notebooks[0]
    stem = re.sub(r"-\d+$", "", PurePosixPath(filename).stem)  # Canvas's "-1" on resubmission
    return f"{stem}.ipynb" if f"{stem}.ipynb" in notebooks else None


@dataclass
class _Plan:
    """The entries chosen per (student, notebook), newest first, and what was skipped."""

    chosen: dict[tuple[str, str], tuple[zipfile.ZipInfo, datetime]] = field(default_factory=dict)
    skipped: list[Skipped] = field(default_factory=list)


def _plan(infos: list[zipfile.ZipInfo], pattern: re.Pattern[str], assignment: str,
          notebooks: list[str], time: datetime | None, zone: tzinfo,
          limits: Limits) -> _Plan:
    """Match every entry to a student and notebook; keep the newest per student."""
    plan = _Plan()
    for info in infos:
        if info.is_dir():
            continue
        if not info.filename.endswith(".ipynb"):
            plan.skipped.append(Skipped(info.filename, "not a notebook (.ipynb)"))
            continue
        if info.file_size > limits.max_entry_bytes:
            plan.skipped.append(Skipped(info.filename, f"{info.file_size} bytes, over the "
                                        f"{limits.max_entry_bytes} a notebook may have"))
            continue
        found = _student_of(info.filename, pattern)
        if isinstance(found, str):
            plan.skipped.append(Skipped(info.filename, found))
            continue
        student, filename = found
        notebook = _notebook_name(filename, assignment, notebooks)
        if notebook is None:
            plan.skipped.append(Skipped(info.filename, f"{filename} is none of the "
                                        f"assignment's notebooks ({', '.join(notebooks)})"))
            continue
        moment = time or _entry_time(info, zone)
        key = (student, notebook)
        if key in plan.chosen:
            older, newer = sorted([plan.chosen[key], (info, moment)], key=lambda e: e[1])
            plan.chosen[key] = newer
            plan.skipped.append(Skipped(older[0].filename, f"an older copy of {student}'s "
                                        f"{notebook} than {newer[0].filename}"))
        else:
            plan.chosen[key] = (info, moment)
    return plan


def _extract(archive: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path,
             limits: Limits) -> None:
    """Copy one entry's bytes to ``dest``, counting them: never past its declared size."""
    cap = min(info.file_size, limits.max_entry_bytes)
    written = 0
    try:
        with zf.open(info) as src, dest.open("wb") as out:
            while chunk := src.read(_CHUNK):
                written += len(chunk)
                if written > cap:
                    raise _refuse(archive, info.filename,
                                  f"inflates past its declared {cap} bytes")
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise _refuse(archive, info.filename, f"is corrupt or forged ({exc})") from exc


def _decide(plan: _Plan, course: Course, assignment: str) -> list[tuple[str, str, Path]]:
    """Drop the entries not newer than the submission already there (reported as skipped)."""
    keep = []
    for (student, notebook), (info, moment) in sorted(plan.chosen.items()):
        folder = course.submitted_dir(assignment) / student / assignment
        before = _existing_time(folder)
        if before is not None and before >= moment:
            plan.skipped.append(Skipped(info.filename, f"not newer ({_format(moment)}) than "
                                        f"{student}'s submission already in submitted/ "
                                        f"({_format(before)}): kept that one"))
        elif before is None and (folder / notebook).exists():
            plan.skipped.append(Skipped(info.filename, f"{student} already has "
                                        f"{folder / notebook} without a timestamp.txt: not "
                                        f"overwritten (move it away to import this one)"))
        else:
            keep.append((student, notebook, folder))
    return keep


def collect(course: Course, assignment: str, archive: Path, *, pattern: str = "canvas",
            time: datetime | None = None, zone: tzinfo = UTC,
            limits: Limits | None = None) -> CollectReport:
    """Import the notebooks of a bulk-download zip into ``submitted/`` (module docstring).

    Args:
        course: the course.
        assignment: the assignment id.
        archive: the zip file.
        pattern: a preset name (:data:`PRESETS`) or a regular expression with a named group
            ``student`` (and optionally ``filename``), matched against each entry's path.
        time: the submission time of every entry (default: each entry's own time); a
            time without a zone is UTC, as in :func:`parse_time`.
        zone: the time zone of entries' DOS times when they carry no UTC timestamp.
        limits: what the archive may hold (:class:`Limits`).

    Returns:
        What was imported and what was skipped, and why.

    Raises:
        UnsafeArchive: the archive was refused; nothing was written.
        ConfigError: the archive is not a zip, or the pattern is not a valid expression.
    """
    limits = limits or Limits()
    if time is not None and time.tzinfo is None:
        time = time.replace(tzinfo=UTC)
    regex = _compile(pattern)
    notebooks = [p.name for p in course.source_notebooks(assignment)]
    report = CollectReport(assignment, archive.name)
    try:
        zf = zipfile.ZipFile(archive)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ConfigError(f"{archive}: not a readable zip archive ({exc})") from exc
    with zf:
        infos = _check_archive(archive, zf, limits)
        plan = _plan(infos, regex, assignment, notebooks, time, zone, limits)
        keep = _decide(plan, course, assignment)
        chosen = {(s, n): plan.chosen[(s, n)] for s, n, _ in keep}
        _stage_and_move(archive, zf, course, keep, chosen, limits, report)
    report.skipped = plan.skipped
    return report


def _compile(pattern: str) -> re.Pattern[str]:
    """The preset's or the given expression, which must have a ``student`` group."""
    try:
        regex = re.compile(PRESETS.get(pattern, pattern))
    except re.error as exc:
        raise ConfigError(f"--pattern {pattern!r}: not a regular expression ({exc}); use a "
                          f"preset ({', '.join(PRESETS)}) or fix the expression") from exc
    if "student" not in regex.groupindex:
        raise ConfigError(f"--pattern {pattern!r}: needs a named group (?P<student>...), or "
                          f"use a preset ({', '.join(PRESETS)})")
    return regex


def _stage_and_move(archive: Path, zf: zipfile.ZipFile, course: Course,
                    keep: list[tuple[str, str, Path]],
                    chosen: dict[tuple[str, str], tuple[zipfile.ZipInfo, datetime]],
                    limits: Limits, report: CollectReport) -> None:
    """Extract every kept entry into a staging folder, then move them all into place."""
    staging_root = course.root / ".mml"
    staging_root.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="collect-", dir=staging_root) as tmp:
        staged = []
        for index, (student, notebook, folder) in enumerate(keep):
            info, moment = chosen[(student, notebook)]
            path = Path(tmp) / f"{index}.ipynb"
            _extract(archive, zf, info, path, limits)
            staged.append((student, notebook, folder, info, moment, path))
        for student, notebook, folder, info, moment, path in staged:
            before = _existing_time(folder)
            folder.mkdir(parents=True, exist_ok=True)
            shutil.move(str(path), folder / notebook)
            (folder / "timestamp.txt").write_text(_format(moment) + "\n", encoding="utf-8")
            report.imported.append(Imported(student, info.filename, _format(moment),
                                            _format(before) if before else ""))


def parse_time(text: str) -> datetime:
    """A ``--time`` value (ISO 8601; a time without a zone is UTC) as an aware datetime.

    Args:
        text: e.g. ``2026-11-29T17:00:00+01:00`` or ``2026-11-29 16:00``.

    Returns:
        The time, in UTC.

    Raises:
        ConfigError: the text is not an ISO 8601 time.
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"--time {text!r}: not an ISO 8601 time (e.g. "
                          f"2026-11-29T17:00:00+01:00)") from exc
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def parse_zone(text: str) -> tzinfo:
    """A ``--timezone`` value: ``UTC``, an offset like ``+01:00``, or an IANA name.

    Args:
        text: the zone.

    Returns:
        The zone.

    Raises:
        ConfigError: the zone is unknown.
    """
    match = re.fullmatch(r"([+-])(\d\d):?(\d\d)", text)
    if match:
        sign = 1 if match.group(1) == "+" else -1
        return timezone(sign * timedelta(hours=int(match.group(2)), minutes=int(match.group(3))))
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"--timezone {text!r}: unknown time zone (use e.g. UTC, +01:00 or "
                          f"Europe/Paris)") from exc
