"""The grader's settings, declared once, read from the course's ``nbgrader_config.py``.

nbgrader's own settings and the grader's live in the same file, the course's one
configuration file. The grader's are the traits of :class:`MMLGrader` below
(``c.MMLGrader.workers = 4``); each trait's ``help`` is its documentation, and
``mml config`` prints them all.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from traitlets import Bool, Dict, Float, Int, Unicode
from traitlets.config import Config, Configurable
from traitlets.config.loader import ConfigFileNotFound, PyFileConfigLoader

from graders.errors import ConfigError

__all__ = ["CONFIG_FILE", "Course", "MMLGrader", "load_course"]

CONFIG_FILE = "nbgrader_config.py"


class MMLGrader(Configurable):
    """Settings of the sandboxed grader (``c.MMLGrader.<name>`` in nbgrader_config.py)."""

    workers = Int(0, help="Worker processes grading in parallel; 0 means one per core.").tag(
        config=True)
    seed = Int(20260101, help="Grading seed of the hidden inputs; the same seed regrades "
               "identically.").tag(config=True)
    sandbox = Unicode("bwrap", help="Sandbox backend: 'bwrap' (bubblewrap, the default), "
                      "'docker', or 'unsafe' (no isolation; only with allow_unsafe).").tag(
        config=True)
    allow_unsafe = Bool(False, help="Allow the 'unsafe' backend, which runs student code "
                        "without isolation; every result then says so.").tag(config=True)
    cell_timeout = Float(30.0, help="Seconds one notebook cell may run before it is "
                         "interrupted.").tag(config=True)
    case_timeout = Float(10.0, help="Seconds one call of a student function on a hidden "
                         "input may run.").tag(config=True)
    submission_timeout = Float(600.0, help="Hard wall-clock limit of one sandbox, in "
                               "seconds; the whole process tree is killed.").tag(config=True)
    memory_mb = Int(2048, help="Address-space limit per sandboxed process, in MiB.").tag(
        config=True)
    max_processes = Int(64, help="Processes one sandbox may hold at once (fork bombs).").tag(
        config=True)
    cpu_seconds = Float(0.0, help="CPU seconds one sandboxed process may use (RLIMIT_CPU); "
                        "0 means the sandbox's wall-clock limit plus 5 s.").tag(config=True)
    scratch_mb = Int(512, help="Disk space of the student's scratch folder (and outbox) in one "
                     "sandbox, in MiB.").tag(config=True)
    scratch_dir = Unicode("auto", help="Where the grader writes each job's short-lived "
                          "files (the plan and inputs it hands the sandbox, what comes back, "
                          "a warm sandbox's inbox and outbox): a folder, or 'auto': /dev/shm "
                          "when it is writable with room for every worker's full outbox "
                          "twice (2 x workers x scratch_mb, at least 1 GiB; a memory file "
                          "system: creating and removing files there costs a fraction of a "
                          "disk's), else the system's temporary folder ($TMPDIR).").tag(
        config=True)
    sandbox_uid = Int(65534, help="Host uid bubblewrap runs as when the grader runs as root, "
                      "so that student code is an unprivileged user outside the sandbox too "
                      "(65534, nobody, by default; a dedicated uid no account uses keeps "
                      "per-user kernel limits apart from other services'); 0 keeps the "
                      "host's root. Where the host refuses that uid, the sandbox runs as "
                      "root and every result says so. Not used when the grader is not "
                      "root.").tag(config=True)
    max_notebook_mb = Float(20.0, help="Largest submitted notebook accepted, in MiB.").tag(
        config=True)
    max_cells = Int(5000, help="Most cells, and most outputs, a submitted notebook may have; "
                    "a larger one is ungradable before it is validated (validation time "
                    "grows with both).").tag(config=True)
    output_cap_kb = Int(64, help="Output kept per cell in the autograded notebook, "
                        "in KiB.").tag(config=True)
    result_call_mb = Int(128, help="Bytes of arrays the judge loads from one hidden call's "
                         "result, in MiB; over it, that case fails as 'result too large'."
                         ).tag(config=True)
    result_submission_mb = Int(512, help="Bytes of arrays the judge loads from all of one "
                               "submission's hidden calls together, in MiB; the calls past it "
                               "fail as 'result too large'.").tag(config=True)
    docker_image = Unicode("mml-grader:latest", help="Image of the docker backend "
                           "(`make image` builds it).").tag(config=True)
    docker_mode = Unicode("warm", help="How the docker backend runs a batch: 'warm' (one "
                          "long-lived container per worker, a clean forked child per "
                          "submission, as bubblewrap's warm sandbox) or 'strict' (a fresh "
                          "container per submission: about a second more each).").tag(
        config=True)
    docker_command = Unicode("", help="Container engine of the docker backend, as a command "
                             "line: 'docker', or e.g. 'podman --storage-driver vfs'. Empty: "
                             "docker if its engine answers, else podman with the flags "
                             "scripts/build_image.sh uses.").tag(config=True)
    units = Dict(default_value={}, help="Assignment id -> unit of the cells that do not name one "
                 "(metadata mml.unit).").tag(config=True)
    late_policy = Unicode("", help="Late-submission penalty past the gradebook's due date "
                          "(`nbgrader db assignment add A --duedate ...`): '' follows nbgrader's "
                          "c.AssignLatePenalties.plugin_class and c.LateSubmissionPlugin."
                          "penalty_method; 'none'; 'zero' (the whole score); 'per_hour' or "
                          "'per_day' (late_percent of the score per started hour or day). Set "
                          "c.AssignLatePenalties.plugin_class = 'graders.nbgrader_io.late_plugin."
                          "CoursePenalty' so that nbgrader autograde agrees.").tag(config=True)
    late_percent = Float(0.0, help="Percent of the score deducted per started hour or day late "
                         "(late_policy 'per_hour' or 'per_day').").tag(config=True)
    late_cap_percent = Float(100.0, help="Most a late penalty deducts, in percent of the score "
                             "(late_policy 'per_hour' or 'per_day').").tag(config=True)

    def listing(self) -> str:
        """Every setting with the value in effect, its default when it differs, and its help."""
        lines = []
        for name, trait in sorted(self.class_traits(config=True).items()):
            value = getattr(self, name)
            note = "" if value == trait.default_value else f"  # default {trait.default_value!r}"
            lines.append(f"c.MMLGrader.{name} = {value!r}{note}\n    {trait.help}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Course:
    """A course root on disk: nbgrader's layout plus the grader's settings.

    Attributes:
        root: the course directory (holds nbgrader_config.py).
        config: the traitlets Config loaded from nbgrader_config.py (empty if absent).
        grader: the grader's settings.
    """

    root: Path
    config: Config
    grader: MMLGrader

    @property
    def db_url(self) -> str:
        """The gradebook URL: nbgrader's ``CourseDirectory.db_url`` or SQLite in the root."""
        url = self.config.get("CourseDirectory", {}).get("db_url")
        return str(url) if url else f"sqlite:///{self.root / 'gradebook.db'}"

    @property
    def course_id(self) -> str:
        """nbgrader's course id (``CourseDirectory.course_id``)."""
        return str(self.config.get("CourseDirectory", {}).get("course_id") or "default_course")

    def source_notebooks(self, assignment: str) -> list[Path]:
        """Every instructor notebook of the assignment (``source/<a>/*.ipynb``), sorted.

        The course's own assignments have one, ``source/<a>/<a>.ipynb``; an nbgrader
        assignment may have several (the quickstart's problem1 and problem2).
        """
        folder = self.root / "source" / assignment
        paths = sorted(folder.glob("*.ipynb"))
        if not paths:
            raise ConfigError(f"{folder / (assignment + '.ipynb')}: no instructor notebook for "
                              f"assignment {assignment!r} (expected source/{assignment}/"
                              f"{assignment}.ipynb)")
        return paths

    def source_notebook(self, assignment: str) -> Path:
        """The assignment's main notebook: ``source/<a>/<a>.ipynb``, or its only notebook."""
        paths = self.source_notebooks(assignment)
        named = [p for p in paths if p.stem == assignment]
        if named or len(paths) == 1:
            return (named or paths)[0]
        raise ConfigError(f"{paths[0].parent}: assignment {assignment!r} has several notebooks "
                          f"({', '.join(p.name for p in paths)}) and none is {assignment}.ipynb")

    def submitted_dir(self, assignment: str) -> Path:
        """nbgrader's ``submitted/`` folder (students are its sub-folders)."""
        return self.root / "submitted"

    def autograded_dir(self, student: str, assignment: str) -> Path:
        """``autograded/<student>/<assignment>/``."""
        return self.root / "autograded" / student / assignment

    def result_path(self, student: str, assignment: str) -> Path:
        """The grader's versioned result, ``.mml/results/<student>/<assignment>/result.json``.

        It is kept out of ``autograded/``, whose files nbgrader's ``generate_feedback`` copies
        into ``feedback/`` for the student: the result holds the grading seed and check ids.
        """
        return self.root / ".mml" / "results" / student / assignment / "result.json"

    def workers(self) -> int:
        """Worker processes to use (the setting, or one per core)."""
        return self.grader.workers or (os.cpu_count() or 1)

    def scratch_dir(self) -> Path | None:
        """The folder for jobs' short-lived files (``scratch_dir``); None: the system's.

        ``auto`` takes the memory file system only if it can hold, for every worker at
        once, a full outbox (``scratch_mb``) copied back and the job's own files: a full
        memory file system would fail other students' jobs, where a disk has room.
        """
        setting = self.grader.scratch_dir
        if setting == "auto":
            need = max(2**30, self.workers() * 2 * self.grader.scratch_mb * 2**20)
            return Path(MEMORY_SCRATCH) if _roomy(MEMORY_SCRATCH, need) else None
        if setting and not Path(setting).is_dir():
            raise ConfigError(f"{self.root / CONFIG_FILE}: c.MMLGrader.scratch_dir = "
                              f"{setting!r} is not a folder: make it, or set 'auto'")
        return Path(setting) if setting else None


#: The memory file system that ``scratch_dir = 'auto'`` prefers.
MEMORY_SCRATCH = "/dev/shm"


def _roomy(folder: str, free_bytes: int) -> bool:
    """Whether this process can make folders in ``folder``, which has ``free_bytes`` free."""
    try:
        stat = os.statvfs(folder)
    except OSError:
        return False
    return stat.f_bavail * stat.f_frsize >= free_bytes and os.access(folder, os.W_OK | os.X_OK)


def load_course(root: Path | str = ".", **overrides: object) -> Course:
    """Load the course at ``root``; ``overrides`` replace MMLGrader settings (CLI flags)."""
    root = Path(root).resolve()
    if not root.is_dir():
        raise ConfigError(f"{root}: course directory does not exist")
    config = Config()
    if (root / CONFIG_FILE).is_file():
        try:
            config = PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config()
        except ConfigFileNotFound:
            pass
        except Exception as exc:
            raise ConfigError(f"{root / CONFIG_FILE}: cannot be loaded: {exc}") from exc
    for key, value in overrides.items():
        if value is not None:
            config.MMLGrader[key] = value
    return Course(root=root, config=config, grader=MMLGrader(config=config))
