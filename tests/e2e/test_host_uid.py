"""A root grader runs its sandboxes as an unprivileged host uid, never as the host's root.

bubblewrap maps the sandbox's uid to whoever runs bwrap; the grader, run as root (as in
CI), runs it as ``c.MMLGrader.sandbox_uid`` instead (graders/sandbox/hostuser.py). These
tests run real sandboxes (warm and one-shot) and look from both sides: who owns the host's
root's files as the job sees them and the host uid of the sandbox's processes, the host's
owner of what a job writes, a root-only file beside the job folders, two students in turn
through one warm sandbox, and two workers' sandboxes of the same uid (one full of
processes must not starve the other). Where the host refuses that uid (simulated by a
bwrap that fails for non-root users, as on a kernel with unprivileged user namespaces
off), the grade is still produced and says so. Skipped where the grader is not root.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jobs
import pytest
from fakesandbox import tiny_plan

import graders.sandbox.warm as warm_module
from graders.pipeline.execute import REDUCED_ISOLATION, execute
from graders.sandbox import Job, Limits, SandboxRun
from graders.sandbox.bwrap import BwrapSandbox
from graders.sandbox.hostuser import DEFAULT_UID
from graders.sandbox.warm import WarmBwrapSandbox

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0, reason="the grader is not root: bwrap already runs as its own uid")

LIMITS = Limits(wall_seconds=60)


@pytest.fixture(scope="module")
def warm() -> Iterator[WarmBwrapSandbox]:
    sandbox = WarmBwrapSandbox(LIMITS)
    yield sandbox
    sandbox.close()


_FOLDERS: list[Path] = []


@pytest.fixture(scope="module", autouse=True)
def _remove_folders() -> Iterator[None]:
    yield
    for folder in _FOLDERS:
        shutil.rmtree(folder, ignore_errors=True)


def make_job(cells: list[str], namespaces: bool = True) -> Job:
    """A job of ``cells`` in fresh host folders (0700, as the grader's temporary folders)."""
    d = Path(tempfile.mkdtemp(prefix="mml-test-uid-"))
    _FOLDERS.append(d)
    return jobs.make_job(d, cells, LIMITS, cell_timeout=20, output_cap=20000,
                         namespaces=namespaces)


def printed(job: Job) -> list[str]:
    """What each cell printed (its error's name and value where it raised)."""
    return ["".join(o.get("text", "") + o.get("ename", "") + o.get("evalue", "")
                    for o in record["outputs"]) for record in jobs.cell_records(job)]


def run(sandbox: Any, cells: list[str], namespaces: bool = True) -> tuple[SandboxRun, Job]:
    job = make_job(cells, namespaces)
    result = sandbox.run(job)
    assert result.returncode == 0 and not result.timed_out, result
    return result, job


def host_uid_of(pid: int) -> int:
    """The real uid of host process ``pid`` (from the host's /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("Uid:"):
            return int(line.split()[1])
    raise AssertionError(f"no Uid line for {pid}")


#: The job's uid, the owner it sees of /usr and of the runtime (the host's root's), the
#: kernel's overflow uid (what an unmapped owner reads as). bwrap nests two user
#: namespaces (1000 -> 0 -> the uid that runs bwrap), so the sandbox's /proc/self/uid_map
#: reads "1000 0 1" whoever runs bwrap (and a job's own namespace "1000 1000 1"); the
#: owner of the host's root's files tells: the job's own uid when bwrap runs as root,
#: unmapped (the overflow uid) when it runs as another host uid.
WHO = """
import os
print(os.getuid(), os.stat('/usr').st_uid, os.stat('/opt/mml/runtime').st_uid,
      open('/proc/sys/kernel/overflowuid').read().strip())
"""


def inside_view(job: Job) -> None:
    uid, usr, runtime, overflow = printed(job)[0].split()
    assert uid == "1000" and usr == runtime == overflow != uid, printed(job)


def test_a_job_runs_as_the_unprivileged_host_uid(warm: WarmBwrapSandbox) -> None:
    """From inside: the host's root is no uid of the job's user namespaces (its files read
    as the overflow uid, not as the job's own). From the host: bwrap and every process of
    the sandbox run as the host uid, not 0."""
    for namespaces in (True, False):
        result, job = run(warm, [WHO], namespaces=namespaces)
        assert not result.reductions and warm.base.refused is None
        inside_view(job)
    server = warm._server
    assert server is not None and server.user is not None
    assert host_uid_of(server.proc.pid) == DEFAULT_UID
    if server.group is not None:
        pids = [pid for pid in server.group.pids() if Path(f"/proc/{pid}").exists()]
        assert pids and {host_uid_of(pid) for pid in pids} == {DEFAULT_UID}
    one_shot = BwrapSandbox()
    result, job = run(one_shot, [WHO])
    assert not result.reductions and one_shot.refused is None
    inside_view(job)


#: A cell that finds its job's outbox folder as a hostile student would (the executor's
#: frame holds its path) and writes a file and a folder there.
WRITE_OUTBOX = """
import inspect, os
out = next(v for f in inspect.stack() for v in f.frame.f_locals.values()
           if isinstance(v, str) and v.startswith(('/outbox/', '/out')) and os.path.isdir(v))
open(os.path.join(out, 'mine.txt'), 'w').write('x')
os.mkdir(os.path.join(out, 'mydir'))
print('wrote')
"""


def test_what_a_job_writes_is_not_owned_by_root(warm: WarmBwrapSandbox,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The one-shot job's outbox is a host folder: what the job writes there belongs to the
    host uid. The warm job's outbox is the sandbox's tmpfs, looked at before the host
    moves its files out."""
    seen: dict[str, int] = {}
    move = warm_module._move_results

    def look_then_move(outbox: Path, out_dir: Path) -> None:
        for path in outbox.rglob("*"):
            seen[path.name] = path.lstat().st_uid
        move(outbox, out_dir)

    monkeypatch.setattr(warm_module, "_move_results", look_then_move)
    _, job = run(warm, [WRITE_OUTBOX])
    assert printed(job) == ["wrote\n"]
    assert {"mine.txt", "mydir", "cells.jsonl"} <= set(seen), seen
    assert set(seen.values()) == {DEFAULT_UID}, seen
    _, job = run(BwrapSandbox(), [WRITE_OUTBOX])
    owners = {p.name: p.lstat().st_uid for p in job.out_dir.rglob("*")}
    assert {"mine.txt", "mydir", "cells.jsonl"} <= set(owners), owners
    assert set(owners.values()) == {DEFAULT_UID}, owners


#: A cell that tries a root-only file beside the job folders, and to list those folders.
PEEK = """
import os
for path in ('/inbox/secret.txt', '/outbox/secret.txt', '/out/secret.txt'):
    if os.path.lexists(path):
        try:
            print(path, open(path).read())
        except OSError as exc:
            print(path, type(exc).__name__)
for folder in ('/inbox', '/outbox'):
    if os.path.isdir(folder):
        try:
            print(folder, len(os.listdir(folder)))
        except OSError as exc:
            print(folder, type(exc).__name__)
"""


def root_only(path: Path) -> None:
    path.write_text("root's secret")
    path.chmod(0o600)
    assert path.stat().st_uid == 0


def test_a_root_only_file_beside_the_job_folders_is_unreadable(warm: WarmBwrapSandbox) -> None:
    """Mapped to the host's root, a job read any 0600 file of root's it could reach; as the
    host uid it reads none, and cannot list the folders that hold the other jobs'."""
    run(warm, ["pass"])  # the server is up: its folders exist
    server = warm._server
    assert server is not None
    for folder in (server.root, server.root / "inbox", server.root / "outbox"):
        root_only(folder / "secret.txt")
    _, job = run(warm, [PEEK])
    assert printed(job) == ["/inbox/secret.txt PermissionError\n"
                            "/outbox/secret.txt PermissionError\n"
                            "/inbox PermissionError\n/outbox PermissionError\n"]
    job = make_job([PEEK])
    root_only(job.out_dir / "secret.txt")
    assert BwrapSandbox().run(job).returncode == 0
    assert printed(job) == ["/out/secret.txt PermissionError\n"]


STASH_AND_WATCH = """
import os, subprocess
for folder in ('/inbox', '/outbox'):
    try:
        open(folder + '/stash.txt', 'w').write('A')
        print('stashed in', folder)
    except OSError as exc:
        print(folder, type(exc).__name__)
open('/home/student/a.txt', 'w').write('A')
script = 'while true; do cp -r /inbox /outbox /home/student /tmp/loot 2>/dev/null; sleep 0.05; done'
subprocess.Popen(['/bin/sh', '-c', script], start_new_session=True)
"""

#: The victim's secret (only the victim's cells hold it literally).
SECRET = "B-SECRET-" + "4711"
VICTIM = f"""
import inspect, os
out = next(v for f in inspect.stack() for v in f.frame.f_locals.values()
           if isinstance(v, str) and v.startswith('/outbox/') and os.path.isdir(v))
open(os.path.join(out, 'mine.txt'), 'w').write('{SECRET}')
open('/home/student/b.txt', 'w').write('{SECRET}')
open('/tmp/b.txt', 'w').write('{SECRET}')
print('B done')
"""
SEARCH = """
import os
needle = ('B-SECRET-' + str(4711)).encode()
open('/tmp/control.txt', 'wb').write(needle)  # the search's own control: found
found = []
for top in ('/inbox', '/outbox', '/home', '/tmp', '/dev/shm'):  # all a job may write
    for base, dirs, files in os.walk(top, onerror=lambda exc: None):
        for name in files:
            try:
                with open(os.path.join(base, name), 'rb') as fh:
                    if needle in fh.read(1 << 20):
                        found.append(os.path.join(base, name))
            except OSError:
                pass
print(found)
"""


def test_two_students_through_one_warm_sandbox_do_not_see_each_others_files(
        warm: WarmBwrapSandbox) -> None:
    """Attacker first: A tries to stash a file beside the job folders and leaves a process
    copying whatever it can reach; B writes a secret into its outbox, scratch and /tmp; a
    third job (the attacker again) searches every folder it can read and finds nothing."""
    _, job = run(warm, [STASH_AND_WATCH])
    assert printed(job) == ["/inbox OSError\n/outbox PermissionError\n"]  # read-only; 0711
    _, job = run(warm, [VICTIM])
    assert printed(job) == ["B done\n"]
    assert (job.out_dir / "mine.txt").read_text() == SECRET  # the host got B's file
    _, job = run(warm, [SEARCH])
    assert printed(job) == ["['/tmp/control.txt']\n"]


REFUSE_NON_ROOT = """#!/bin/sh
# bwrap as on a host whose kernel refuses unprivileged user namespaces: root only
if [ "$(id -u)" != 0 ]; then
    echo "bwrap: No permissions to create new namespace" >&2
    exit 1
fi
exec {bwrap} "$@"
"""


@pytest.fixture
def refusing_bwrap() -> Iterator[str]:
    folder = Path(tempfile.mkdtemp(prefix="mml-test-bwrap-"))
    folder.chmod(0o755)
    script = folder / "bwrap"
    script.write_text(REFUSE_NON_ROOT.format(bwrap=BwrapSandbox().bwrap))
    script.chmod(0o755)
    yield str(script)
    script.unlink()
    folder.rmdir()


def test_where_the_host_refuses_the_uid_the_grade_is_produced_and_flagged(
        refusing_bwrap: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The warm server that never starts as the host uid is replaced by one mapped to root;
    the one-shot sandbox's first run tries the uid once. Both run the job, and every
    result carries the reduced-isolation flag that says why."""
    sandbox = WarmBwrapSandbox(LIMITS, base=BwrapSandbox(bwrap=refusing_bwrap))
    try:
        for _ in range(2):
            result, job = run(sandbox, [WHO])
            assert len(result.reductions) == 1 and f"not as uid {DEFAULT_UID}" in \
                result.reductions[0]
            uid, usr, _, _ = printed(job)[0].split()
            assert uid == usr == "1000"  # mapped to the host's root, as before
        ex = execute(tiny_plan(tmp_path, monkeypatch), sandbox, LIMITS, cell_timeout=20.0,
                     output_cap=1000)
        flags = [f for f in ex.flags if f.startswith(REDUCED_ISOLATION)]
        assert flags == [f"{REDUCED_ISOLATION}: {result.reductions[0]}"]
        assert all(c.status.value == "ok" for c in ex.calls.values()), ex.calls
    finally:
        sandbox.close()
    one_shot = BwrapSandbox(bwrap=refusing_bwrap)
    result, job = run(one_shot, [WHO])
    assert one_shot.refused is not None and "No permissions" in one_shot.refused
    assert len(result.reductions) == 1 and printed(job)[0].split()[:2] == ["1000", "1000"]


#: Fork children that sleep, until the sandbox refuses one; report how many, then hold them.
FILL_PROCESSES = """
import os, time
children = 0
while True:
    try:
        pid = os.fork()
    except OSError:
        break
    if pid == 0:
        time.sleep(300)
        os._exit(0)
    children += 1
print(children, flush=True)
time.sleep(300)
"""

FORK_SOME = """
import os
pids = []
for _ in range(6):
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    pids.append(pid)
print(sum(os.waitpid(pid, 0)[1] == 0 for pid in pids))
"""


def descendants(pid: int) -> set[int]:
    """The host's processes descended from ``pid`` (from the host's /proc)."""
    parents: dict[int, int] = {}
    for entry in filter(str.isdigit, os.listdir("/proc")):
        try:
            parents[int(entry)] = int(Path(f"/proc/{entry}/stat").read_text()
                                      .rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
    found, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in found} - found
        found, grew = found | more, bool(more)
    return found - {pid}


def test_one_sandbox_full_of_processes_does_not_starve_another_of_the_same_uid() -> None:
    """Both workers' sandboxes run as the same host uid, and RLIMIT_NPROC also counts per
    host uid: with the sandbox's limit set on bwrap itself, one student at the limit would
    make the other worker's student fail to fork. The limit is set inside (prlimit), where
    it counts that sandbox's processes only."""
    limits = Limits(wall_seconds=120, max_processes=16)
    full, other = WarmBwrapSandbox(limits), WarmBwrapSandbox(limits)
    try:
        for sandbox in (full, other):
            run(sandbox, ["pass"])
        holder = threading.Thread(target=full.run, args=(make_job([FILL_PROCESSES]),))
        holder.start()
        assert full._server is not None
        bwrap = full._server.proc.pid
        deadline = time.monotonic() + 100  # room for a loaded machine; not a measurement
        while len(descendants(bwrap)) < 14 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(descendants(bwrap)) >= 14  # at its limit (of 16: bwrap's init included)
        _, job = run(other, [FORK_SOME])
        assert printed(job) == ["6\n"]
    finally:
        full.close()
        other.close()
    holder.join(timeout=60)
