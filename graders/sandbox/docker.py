"""The docker backend's strict mode: one container per submission, from the grading image.

(The default, warm mode, ``c.MMLGrader.docker_mode = "warm"``, keeps one container per
worker: :mod:`graders.sandbox.docker_warm`.)

The image is built from the repository's ``Dockerfile`` by ``make image``
(``scripts/build_image.sh``): the students' environment of
``requirements/student.lock`` and ``graders/runtime``, nothing else. Each job runs
in a fresh container with no network, a read-only root, scratch and ``/tmp`` as
tmpfs capped at ``scratch_mb`` (charged to the container's memory), the memory
and pid limits as cgroup limits, the file size, open-file, process and CPU
limits as rlimits (``--ulimit``), no capabilities, ``no-new-privileges`` and uid
1000; the judge stays outside. The engine is Docker or podman (a drop-in for the
``docker`` command line): ``c.MMLGrader.docker_command`` names it, or it is
found (:func:`engine_command`).

The engine runs the container, not the client process: the host's rlimits are
not applied to the client (they would bound the engine's client, not the
student), and at the wall-clock limit, and after every run, the container is
removed by name, which kills whatever was left in it.
"""

from __future__ import annotations

import hashlib
import shlex
import shutil
import subprocess
import time
import uuid
from dataclasses import dataclass, field

from graders.sandbox.base import Job, Limits, SandboxRun, runtime_dir

__all__ = ["IMAGE_PYTHON", "PODMAN_FLAGS", "RUNTIME_LABEL", "DockerSandbox", "confinement",
           "engine_command", "image_mismatch", "runtime_digest"]

#: podman's global flags for hosts without a systemd cgroup manager (ours): cgroups
#: are written directly. scripts/build_image.sh uses the same (a test checks). A
#: host that cannot mount overlayfs needs ``--storage-driver vfs`` too, in
#: ``c.MMLGrader.docker_command`` and the build's ``MML_ENGINE_COMMAND`` alike
#: (vfs copies the image for each container: seconds per start, not tenths).
PODMAN_FLAGS = ("--cgroup-manager", "cgroupfs")
#: The executor's interpreter inside the image (the Dockerfile's venv).
IMAGE_PYTHON = "/opt/venv/bin/python"
#: RLIMIT_NPROC inside: it counts every process of uid 1000 on the host, shared by
#: all containers running at once, so it is only a backstop; the per-container
#: bound is the pids cgroup (``--pids-limit``, Limits.max_processes).
NPROC_BACKSTOP = 4096
#: The image label (set by scripts/build_image.sh) holding :func:`runtime_digest` of the
#: ``graders/runtime`` the image was built from.
RUNTIME_LABEL = "mml.runtime"


def _engine_runs(argv: list[str]) -> bool:
    """Whether ``argv info`` succeeds (an engine that can run containers)."""
    try:
        return subprocess.run([*argv, "info"], capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


def engine_command(setting: str = "") -> list[str]:
    """The engine's command line: ``setting`` split, or the first engine that runs.

    With no setting: ``docker`` where a Docker engine answers, else ``podman`` with
    :data:`PODMAN_FLAGS` (and Debian's ``runc`` where it is installed: ``crun``
    refuses hybrid cgroup hosts), else ``docker`` (whose run then says what is wrong).
    """
    if setting.strip():
        return shlex.split(setting)
    docker = shutil.which("docker")
    if docker and _engine_runs([docker]):
        return [docker]
    podman = shutil.which("podman")
    if podman:
        runtime = ["--runtime", "runc"] if shutil.which("runc") else []
        return [podman, *PODMAN_FLAGS, *runtime]
    return ["docker"]


def runtime_digest() -> str:
    """A hash of this grader's ``graders/runtime`` sources, as build_image.sh labels the image.

    The same bytes as the script's ``find runtime -name '*.py' | sort | xargs sha256sum |
    sha256sum`` (in ``graders/``, byte order; a unit test runs both): an image whose label
    differs runs another executor than the one that writes the plans and reads the
    results, so every submission would come back ungradable.
    """
    top = runtime_dir().parent
    files = sorted(p.relative_to(top).as_posix() for p in runtime_dir().rglob("*.py"))
    listing = "".join(f"{hashlib.sha256((top / f).read_bytes()).hexdigest()}  {f}\n"
                      for f in files)
    return hashlib.sha256(listing.encode()).hexdigest()[:32]


def image_mismatch(image: str, label: str) -> str | None:
    """Why ``image``, whose :data:`RUNTIME_LABEL` is ``label``, cannot grade here, or None."""
    here = runtime_digest()
    if label == here:
        return None
    found = (f"was built from another graders/runtime than this grader's (its {RUNTIME_LABEL} "
             f"label is {label}, this grader's is {here})" if label else
             f"has no {RUNTIME_LABEL} label (it was not built by scripts/build_image.sh, or "
             "by an older one)")
    return (f"the grading image {image!r} {found}, so every submission would come back "
            "ungradable: rebuild it with `make image` (scripts/build_image.sh)")


def _cpu_seconds(lim: Limits) -> int:
    """RLIMIT_CPU of every process inside, as in :func:`graders.sandbox.base.set_rlimits`."""
    return int(lim.cpu_seconds) or int(lim.wall_seconds) + 5


def confinement(lim: Limits, memory_mb: int) -> list[str]:
    """The ``run`` flags both docker modes share: what a container may see and use.

    No network, a read-only root, ``/tmp``, ``/dev/shm`` and ``/home/student`` as tmpfs
    of ``scratch_mb`` (charged to the container's memory), ``memory_mb`` of memory and
    no swap, the pid limit, one CPU, no capability, no new privileges, uid 1000, and
    the file-size, open-file, process and core rlimits (podman needs explicit values).
    """
    return [
        "--network", "none",
        "--read-only", "--tmpfs", f"/tmp:rw,size={lim.scratch_mb}m",
        "--tmpfs", f"/dev/shm:rw,size={lim.scratch_mb}m",
        "--tmpfs", f"/home/student:rw,size={lim.scratch_mb}m,mode=1777",
        "--memory", f"{memory_mb}m", "--memory-swap", f"{memory_mb}m",
        "--pids-limit", str(lim.max_processes), "--cpus", "1",
        "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--user", "1000:1000",
        "--ulimit", f"fsize={lim.file_mb * 1024 * 1024}",
        "--ulimit", f"nofile={lim.open_files}:{lim.open_files}",
        "--ulimit", f"nproc={NPROC_BACKSTOP}:{NPROC_BACKSTOP}", "--ulimit", "core=0",
    ]


@dataclass
class DockerSandbox:
    """Run the executor in a fresh container of ``image`` for each job.

    Attributes:
        image: the grading image (``make image`` builds ``mml-grader:latest``).
        engine: the engine's command line (:func:`engine_command`).
        name: the backend's name, recorded in every result.
    """

    image: str = "mml-grader:latest"
    engine: list[str] = field(default_factory=engine_command)
    name: str = "docker"

    def command(self, job: Job, container: str = "mml-job") -> list[str]:
        """The ``run`` command line of one job, in a container named ``container``."""
        lim = job.limits
        return [
            *self.engine, "run", "--rm", "--name", container,
            *confinement(lim, lim.memory_mb), "--ulimit", f"cpu={_cpu_seconds(lim)}",
            "-v", f"{job.job_dir}:/job:ro", "-v", f"{job.out_dir}:/out:rw",
            "-w", "/opt/mml", "--stop-timeout", "1", self.image,
            IMAGE_PYTHON, "-E", "-s", "-m", "runtime.executor", "/job", "/out", "/home/student",
        ]

    def unavailable(self) -> str | None:
        """Why this backend cannot run here, with the fix; None when it can.

        The batch's pre-flight (:func:`graders.sandbox.preflight`): no engine, no image, or
        an image of another ``graders/runtime`` (its :data:`RUNTIME_LABEL`).
        """
        if shutil.which(self.engine[0]) is None:
            return (f"the container engine {self.engine[0]!r} is not installed: install Docker, "
                    "or podman and runc (apt-get install podman runc), or name another in "
                    "c.MMLGrader.docker_command")
        label = f'{{{{index .Config.Labels "{RUNTIME_LABEL}"}}}}'
        probe = subprocess.run([*self.engine, "image", "inspect", "--format", label, self.image],
                               capture_output=True, text=True, timeout=120, check=False)
        if probe.returncode != 0:
            return (f"the grading image {self.image!r} is not in {shlex.join(self.engine)}'s "
                    "store: build it with `make image` (scripts/build_image.sh), or set "
                    "c.MMLGrader.docker_image")
        found = probe.stdout.strip()
        return image_mismatch(self.image, "" if found == "<no value>" else found)

    def run(self, job: Job) -> SandboxRun:
        """Run one job in a fresh container; it is gone (with all it ran) on return."""
        job.out_dir.chmod(0o777)  # written by uid 1000 inside; its parent is the host's 0700
        container = f"mml-{uuid.uuid4().hex[:16]}"
        start = time.perf_counter()
        # The engine runs in the job's own scratch folder: podman's conmon leaves an ``oom``
        # file in its working directory when a container is killed for memory, which would
        # otherwise land in the course directory.
        job.work_dir.mkdir(parents=True, exist_ok=True)
        proc = subprocess.Popen(self.command(job, container), stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                start_new_session=True, cwd=job.work_dir)
        timed_out = False
        try:
            _, err = proc.communicate(timeout=job.limits.wall_seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
            self._remove(container)
            proc.kill()
            _, err = proc.communicate()
        finally:
            self._remove(container)
        text = err.decode("utf-8", "replace")[-2000:] if err else ""
        return SandboxRun(proc.returncode, timed_out, time.perf_counter() - start, text)

    def _remove(self, container: str) -> None:
        """Kill and remove the container if it is still there (no error if it is gone)."""
        subprocess.run([*self.engine, "rm", "--force", container],
                       stdin=subprocess.DEVNULL, capture_output=True, timeout=120, check=False)
