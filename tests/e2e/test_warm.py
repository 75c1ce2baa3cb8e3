"""The warm sandbox: one student's run leaves nothing for the next one in the same worker."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jobs import cell_records, make_job, output_text
from notebooks import (
    REPO,
    SOLVE,
    make_course,
    solved_submission,
    source_notebook,
    submit,
    with_answer,
)

from graders.batch.runner import grade_batch
from graders.config import load_course
from graders.pipeline.grade import grade_notebook
from graders.runtime.protocol import ArrayArg, PlanCall
from graders.sandbox import Limits, limits_of
from graders.sandbox.warm import WarmBwrapSandbox

PS1 = "ps1_linear_algebra"


@pytest.fixture(scope="module")
def warm() -> Iterator[WarmBwrapSandbox]:
    sandbox = WarmBwrapSandbox(Limits(wall_seconds=30))
    yield sandbox
    sandbox.close()


def run(sandbox: WarmBwrapSandbox, cells: list[str], wall: float = 30.0,
        calls: tuple[PlanCall, ...] = ()) -> tuple[Any, str]:
    job = make_job(Path(tempfile.mkdtemp()), cells, Limits(wall_seconds=wall), calls=calls)
    return sandbox.run(job), output_text(job)


LEAVE_TRACES = """
import os, subprocess
open('/home/student/note.txt', 'w').write('from A')
open('/tmp/note.txt', 'w').write('from A')
if os.path.isdir('/dev/shm'):
    open('/dev/shm/note', 'w').write('from A')
os.makedirs('/tmp/locked/inner', exist_ok=True)
os.chmod('/tmp/locked', 0)
subprocess.Popen(['/bin/sh', '-c', 'exec -a mml-warm-daemon sleep 300'], start_new_session=True)
import numpy as np, builtins
np.linalg.solve = lambda *a: 'patched'
builtins.abs = lambda v: -1
print('A done')
"""

LOOK = """
import os, numpy as np
print(sorted(os.listdir('/home/student')), sorted(os.listdir('/tmp')))
print(os.path.exists('/dev/shm/note'))
names = [open(f'/proc/{p}/cmdline').read() for p in os.listdir('/proc') if p.isdigit()]
print(any('mml-warm-daemon' in n for n in names))
print(np.linalg.solve(np.eye(2), np.ones(2)).tolist(), abs(-3))
"""


def test_nothing_survives_between_students(warm: WarmBwrapSandbox) -> None:
    _, baseline = run(warm, [LOOK])
    _, a = run(warm, [LEAVE_TRACES])
    assert "A done" in a
    _, b = run(warm, [LOOK])
    assert b == baseline
    assert b.splitlines()[1:] == ["False", "False", "[1.0, 1.0] 3"]


def test_server_cannot_be_traced_or_read(warm: WarmBwrapSandbox) -> None:
    probe = """
import os
server = os.getppid()
for path in (f'/proc/{server}/mem', f'/proc/{server}/environ', f'/proc/{server}/maps'):
    try:
        with open(path, 'rb') as fh:
            fh.read(16)
        print('READ', path)
    except OSError:
        print('denied')
"""
    _, out = run(warm, [probe])
    assert "READ" not in out and out.count("denied") == 3


def test_a_student_who_kills_the_server_costs_only_their_run(warm: WarmBwrapSandbox) -> None:
    result, _ = run(warm, ["import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"])
    assert result.returncode != 0
    result, out = run(warm, ["print('next student')"])
    assert result.returncode == 0 and out == "next student\n"


def test_a_hidden_call_cannot_kill_the_server(warm: WarmBwrapSandbox) -> None:
    """kill(-1) and every pid in /proc, from a call: it runs in a private pid namespace, so
    the executor carries on with the next cell, and the server with the next student."""
    slayer = ("import os, signal\ndef f(x):\n"
              "    for p in os.listdir('/proc'):\n        try:\n"
              "            os.kill(int(p), signal.SIGKILL)\n        except (ValueError, OSError):\n"
              "            pass\n    os.kill(-1, signal.SIGKILL)\n    return x\n")
    call = PlanCall("k", "q", "f", 0, 5.0, (ArrayArg("x"),))
    result, out = run(warm, [slayer, "print('next cell')"], calls=(call,))
    assert result.returncode == 0 and out == "next cell\n"
    before = warm._server
    result, out = run(warm, ["print('next student')"])
    assert result.returncode == 0 and out == "next student\n" and warm._server is before


def test_a_run_past_its_wall_limit_is_killed_and_the_next_one_runs(
        warm: WarmBwrapSandbox) -> None:
    result, _ = run(warm, ["import signal, time\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
                           "while True:\n    time.sleep(0.05)"], wall=3.0)
    assert result.timed_out
    result, out = run(warm, ["print('fresh')"])
    assert result.returncode == 0 and out == "fresh\n"


# --- issue 9: scratch bounds, folders left behind, deep trees, a killed server ---------------

@pytest.fixture(scope="module")
def small() -> Iterator[WarmBwrapSandbox]:
    sandbox = WarmBwrapSandbox(Limits(wall_seconds=30, scratch_mb=8))
    yield sandbox
    sandbox.close()


FILL = """
import errno, inspect, os
# the job's own outbox folder (the executor's frame holds it): where a sandbox run as an
# unprivileged host uid may write in the outbox (graders/sandbox/hostuser.py)
out = next(v for f in inspect.stack() for v in f.frame.f_locals.values()
           if isinstance(v, str) and v.startswith('/outbox/') and os.path.isdir(v))
for name, path in (('/home/student/big', '/home/student/big'), ('/tmp/big', '/tmp/big'),
                   ('/dev/shm/big', '/dev/shm/big'), ('/outbox/big', out + '/big')):
    try:
        with open(path, 'wb') as fh:
            for _ in range(24):
                fh.write(b'x' * 2**20)
        print(name, 'wrote 24 MiB')
    except OSError as exc:
        print(name, errno.errorcode.get(exc.errno))
    os.remove(path)  # room again for the executor's records in the outbox
"""


SCRATCH = "import os\nprint(sorted(os.listdir('/home/student')), sorted(os.listdir('/tmp')))"


def _fresh_scratch() -> str:
    """What SCRATCH prints in a sandbox no student has used.

    Not always "[] []": where the Python environment lives under /tmp (a CI clone's
    .venv), /tmp holds the directories bwrap made to mount it, which no wipe may remove.
    """
    sandbox = WarmBwrapSandbox(Limits(wall_seconds=30))
    try:
        return run(sandbox, [SCRATCH])[1]
    finally:
        sandbox.close()


def test_scratch_tmp_shm_and_outbox_are_bounded(small: WarmBwrapSandbox) -> None:
    result, out = run(small, [FILL])
    assert result.returncode == 0
    lines = dict(line.split(" ", 1) for line in out.splitlines())
    assert lines["/home/student/big"] == lines["/tmp/big"] == lines["/dev/shm/big"] == "ENOSPC"
    if small.bounded_outbox:  # the host may mount a tmpfs (root): the outbox is bounded too
        assert lines["/outbox/big"] == "ENOSPC"
    _, after = run(small, [SCRATCH])
    assert after == _fresh_scratch()


STASH = """
import os
for path in ('/outbox/../stash', '/outbox/stash', '/outbox/other/stash'):
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        open(path, 'w').write('from A')
    except OSError:
        pass
print('A done')
"""


def test_nothing_a_student_writes_beside_their_outbox_folder_survives(
        warm: WarmBwrapSandbox) -> None:
    _, a = run(warm, [STASH])
    assert a == "A done\n"
    assert warm._server is not None and os.listdir(warm._server.root / "outbox") == []
    _, b = run(warm, ["import os\ntry:\n    n = len(os.listdir('/outbox'))\n"
                      "except PermissionError:\n    n = 'unlisted'\n"
                      "print(n, os.path.exists('/outbox/../stash'))"])
    # only B's own job folder; not even that where the sandbox runs as a host uid (0711)
    listed = "unlisted" if warm._server is not None and warm._server.user else "1"
    assert b == f"{listed} False\n"


NEST = """
import os
fd = os.open('/home/student', os.O_RDONLY)
for base in ('/home/student', '/tmp'):
    fd = os.open(base, os.O_RDONLY)
    for level in range(1200):
        os.mkdir('d', dir_fd=fd)
        sub = os.open('d', os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = sub
    os.close(fd)
os.chmod('/tmp/d', 0o500)
print('A done')
"""


def test_a_deep_tree_does_not_kill_the_server(warm: WarmBwrapSandbox) -> None:
    _, _ = run(warm, ["print('warm')"])
    before = warm._server
    result, a = run(warm, [NEST])
    assert a == "A done\n" and result.returncode == 0 and warm._server is before
    result, b = run(warm, [SCRATCH])
    assert result.returncode == 0 and b == _fresh_scratch() and warm._server is before


def test_a_replaced_or_closed_sandbox_leaves_no_folder() -> None:
    sandbox = WarmBwrapSandbox(Limits(wall_seconds=30))
    run(sandbox, ["open('/home/student/x', 'w').write('x')"])
    assert sandbox._server is not None
    first = sandbox._server.root
    result, _ = run(sandbox, ["import os, signal\nos.kill(os.getppid(), signal.SIGKILL)"])
    assert result.returncode != 0 and not first.exists()
    run(sandbox, ["print('next')"])
    assert sandbox._server is not None
    second = sandbox._server.root
    sandbox.close()
    assert not second.exists()


def test_a_batch_leaves_no_warm_folder(tmp_path: Path) -> None:
    """Through the real worker pool: each worker closes its sandbox when it exits, a
    student's stash in the outbox is gone before the next student of that worker, and the
    folders of a worker killed outright in an earlier batch (its warm sandbox's, its job's,
    its staging folder) are removed."""
    private = tmp_path / "tmp"
    private.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    for prefix in ("mml-warm-", "mml-job-", "mml-stage-"):
        (private / f"{prefix}{dead.pid}-left" / "run1").mkdir(parents=True)
    os.utime(private, (0, 0))
    root = make_course(tmp_path / "c")
    nb = source_notebook()
    stash = "import os\nos.makedirs('/outbox/other', exist_ok=True)\n" \
            "open('/outbox/other/stash', 'w').write('from A')\n"
    look = "import os\nassert os.listdir('/outbox') == [os.listdir('/outbox')[0]]\n"
    submit(root, "s01_stash", with_answer(nb, "q_solve", stash + SOLVE))
    submit(root, "s02_look", with_answer(nb, "q_solve", look + SOLVE))
    course = load_course(root, scratch_dir=str(private))  # the jobs' and the sandbox's folders
    results = {r.student: r for r in grade_batch(course, "tiny", workers=1, progress=False)}
    assert results["s02_look"].total == results["s01_stash"].total == 5.0
    assert private.stat().st_mtime > 0 and list(private.iterdir()) == []  # used, then emptied


KILL_SERVER = "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\n"


def ps1_submission(root: Path, student: str, answer: str, extra: str) -> Path:
    """The ps1 solution with ``extra`` at the end of the answer cell ``answer``."""
    return solved_submission(root, student, PS1, answer, extra)


def test_a_cell_that_kills_the_server_costs_that_cell_only(tmp_path: Path) -> None:
    """The answer cell of question 2 (after question 1's test cell) kills the warm server:
    that cell is lost (question 2 with it), every other question keeps its marks, and the
    next student in the same warm sandbox is graded normally."""
    root = tmp_path / "course"
    shutil.copytree(REPO / "source" / PS1, root / "source" / PS1)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    course = load_course(root)
    sandbox = WarmBwrapSandbox(limits_of(course, course.grader.submission_timeout))
    try:
        results = {}
        for student, extra in (("s01_killer", KILL_SERVER), ("s02_honest", "")):
            path = ps1_submission(root, student, "la2_lu", extra)
            results[student] = grade_notebook(course, PS1, student, path,
                                              root / "autograded" / student / PS1, sandbox)
    finally:
        sandbox.close()
    killer, honest = results["s01_killer"], results["s02_honest"]
    assert honest.total == 20.0 and not [f for f in honest.flags if "sandbox" in f]
    points = {q.grade_id: q.points for q in killer.questions if q.kind == "auto"}
    assert points["la1_solve_test"] == 3.0 and points["la2_lu_test"] == 0.0
    assert killer.total == 17.0, [(q.grade_id, q.reason) for q in killer.questions]
    lost = [f for f in killer.flags if "sandbox" in f]
    assert len(lost) == 1 and "warm server was killed" in lost[0], lost
    assert "rerun without that cell" in lost[0]


def test_each_job_has_its_own_cpu_budget() -> None:
    """The server lives for many jobs; each job gets the per-submission CPU limit afresh."""
    sandbox = WarmBwrapSandbox(Limits(wall_seconds=30, cpu_seconds=7))
    try:
        for _ in range(2):  # the second job's budget is not what the first one left
            result, text = run(sandbox, ["import resource\n"
                                         "print(resource.getrlimit(resource.RLIMIT_CPU))"])
            assert result.returncode == 0
            assert "(7, 8)" in text
    finally:
        sandbox.close()


def test_the_server_prepares_tracebacks_after_its_first_job_not_before() -> None:
    """A fresh server answers its first job without the warm-up (no boot delay), then
    formats one traceback, so every later job starts with the formatter loaded."""
    sandbox = WarmBwrapSandbox(Limits(wall_seconds=30))
    try:
        look = "import sys\nprint('stack_data' in sys.modules)"
        firsts = [run(sandbox, [look])[1].strip() for _ in range(3)]
        assert firsts == ["False", "True", "True"]
        job = make_job(Path(tempfile.mkdtemp()), ["def f(x):\n    return 1 / x\nf(0)"],
                       Limits(wall_seconds=30))
        sandbox.run(job)
        [error] = [o for o in cell_records(job)[0]["outputs"] if o["output_type"] == "error"]
        assert error["ename"] == "ZeroDivisionError"
        assert any("return 1 / x" in line for line in error["traceback"])
    finally:
        sandbox.close()


def test_the_server_s_scipy_leaves_f2py_unimported_yet_importable() -> None:
    """scipy imports numpy's f2py (a build tool) with its other submodules; the server
    defers f2py alone (graders/runtime/lazy.py): a job finds np.testing loaded, as the
    course's visible test cells use it, and still gets f2py on demand."""
    sandbox = WarmBwrapSandbox(Limits(wall_seconds=60), imports=("numpy", "scipy"))
    try:
        result, text = run(sandbox, [
            "import sys, numpy as np\n"
            "print('scipy.linalg' in sys.modules, 'numpy.f2py' in sys.modules, "
            "'numpy.testing' in sys.modules)\n"
            "np.testing.assert_allclose(1.0, 1.0)\n"
            "print(callable(np.f2py.run_main), np.f2py is sys.modules['numpy.f2py'])"], wall=60)
        assert result.returncode == 0
        assert text.split() == ["True", "False", "True", "True", "True"], text
    finally:
        sandbox.close()


def test_every_job_finds_the_server_s_heap_frozen() -> None:
    """The server freezes its heap at boot and again after its warm-ups
    (``runtime.server.settle_heap``): a job's collections, the first job's too, walk only
    the objects that job made, not the server's hundreds of thousands."""
    sandbox = WarmBwrapSandbox(Limits(wall_seconds=30))
    try:
        look = "import gc\nprint(gc.get_freeze_count(), len(gc.get_objects()))"
        for _ in range(3):
            frozen, walked = map(int, run(sandbox, [look])[1].split())
            assert frozen > 10 * walked, (frozen, walked)
    finally:
        sandbox.close()
