"""A job's process: its own IPC namespace and key ring, no inherited descriptor, a seccomp filter.

Cross-student tests run two students through one warm sandbox, attacker first: nothing
the attacker leaves in System V IPC, in a key ring or in a descriptor inherited from the
warm server reaches the next student. The filter refuses, in cells and in hidden calls,
the system calls a notebook never needs (``graders/runtime/seccomp.py``).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jobs import make_job, output_text

from graders.commands.demo import ASSIGNMENT, REPO, _answers, _fill
from graders.config import load_course
from graders.nbgrader_io.release import release
from graders.pipeline.grade import grade_notebook
from graders.runtime.protocol import ArrayArg, PlanCall
from graders.sandbox import Limits
from graders.sandbox.factory import make_sandbox
from graders.sandbox.warm import WarmBwrapSandbox


@pytest.fixture(scope="module")
def warm() -> Iterator[WarmBwrapSandbox]:
    sandbox = WarmBwrapSandbox(Limits(wall_seconds=30))
    yield sandbox
    sandbox.close()


def run(sandbox: WarmBwrapSandbox, cells: list[str],
        calls: tuple[PlanCall, ...] = ()) -> tuple[str, dict[str, Any]]:
    """Run one job; return its cells' text output and its calls' records by key."""
    d = Path(tempfile.mkdtemp())
    job = make_job(d, cells, Limits(wall_seconds=30), calls=calls)
    assert sandbox.run(job).returncode == 0
    text = output_text(job)
    records = {c.key: json.loads((job.out_dir / "calls" / f"{c.key}.json").read_text())
               for c in calls}
    shutil.rmtree(d)
    return text, records


LIBC = """
import ctypes, errno, os
libc = ctypes.CDLL(None, use_errno=True)
NUMBERS = {'x86_64': dict(unshare=272, io_uring_setup=425, keyctl=250, bpf=321,
                          perf_event_open=298, shmget=29, clone3=435, mount=165,
                          setns=308, ptrace=101, add_key=248, request_key=249),
           'aarch64': dict(unshare=97, io_uring_setup=425, keyctl=219, bpf=280,
                           perf_event_open=241, shmget=194, clone3=435, mount=40,
                           setns=268, ptrace=117, add_key=217, request_key=218)}[os.uname().machine]

def sc(name, *args):
    ret = libc.syscall(NUMBERS[name], *args)
    return errno.errorcode.get(ctypes.get_errno()) if ret == -1 else ret
"""

SHM_ATTACK = LIBC + """
libc.shmat.restype = ctypes.c_void_p
shm = libc.shmget(0x4d4d4c, 1 << 20, 0o1666)
if shm >= 0:
    addr = libc.shmat(shm, None, 0)
    ctypes.memmove(addr, b'SHM-SECRET-42', 13)
sem = libc.semget(0x4d4d4d, 1, 0o1666)
msg = libc.msgget(0x4d4d4e, 0o1666)
print('shm', shm, 'sem', sem, 'msg', msg, errno.errorcode.get(ctypes.get_errno()))
"""

SHM_LOOK = LIBC + """
libc.shmat.restype = ctypes.c_void_p
left = [open(f'/proc/sysvipc/{k}').read().splitlines()[1:] for k in ('shm', 'sem', 'msg')]
print('left', sum(len(rows) for rows in left))
shm = libc.shmget(0x4d4d4c, 0, 0)
if shm >= 0:
    print(ctypes.string_at(libc.shmat(shm, None, 0), 13))
"""


def test_system_v_ipc_does_not_survive_into_the_next_job(warm: WarmBwrapSandbox) -> None:
    attack, _ = run(warm, [SHM_ATTACK])
    assert attack == "shm -1 sem -1 msg -1 EPERM\n"
    look, _ = run(warm, [SHM_LOOK])
    assert look == "left 0\n"


KEY_ATTACK = LIBC + """
KEY_SPEC_USER_KEYRING, KEY_SPEC_SESSION_KEYRING = -4, -3
for ring in (KEY_SPEC_USER_KEYRING, KEY_SPEC_SESSION_KEYRING):
    print('add_key', sc('add_key', b'user', b'mml-secret', b'KEY-SECRET-42', 13, ring))
"""

KEY_LOOK = LIBC + """
try:
    print('keys', open('/proc/keys').read().count('mml-secret'))
except OSError:
    print('keys', 0)
print('request_key', sc('request_key', b'user', b'mml-secret', None, 0))
"""


def test_key_rings_are_closed_and_nothing_survives(warm: WarmBwrapSandbox) -> None:
    attack, _ = run(warm, [KEY_ATTACK])
    assert attack == "add_key EPERM\nadd_key EPERM\n"
    look, _ = run(warm, [KEY_LOOK])
    assert look == "keys 0\nrequest_key EPERM\n"


FD_ATTACK = """
import os
for fd in map(int, os.listdir('/proc/self/fd')):
    try:
        target = os.readlink(f'/proc/self/fd/{fd}')
    except OSError:
        continue
    if fd > 2 and not target.startswith('/outbox/'):
        try:
            os.lseek(fd, 0, os.SEEK_END)
            os.write(fd, b'FD-SECRET-42')
        except OSError:
            pass
print('written')
"""

FD_LOOK = """
import os
found, targets = False, []
for fd in map(int, os.listdir('/proc/self/fd')):
    try:
        target = os.readlink(f'/proc/self/fd/{fd}')
    except OSError:
        continue
    targets.append((fd, target))
    if fd > 2:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            found |= b'FD-SECRET-42' in os.read(fd, 1 << 20)
        except OSError:
            pass
print(found, [t for fd, t in targets if fd > 2 and not t.startswith('/outbox/')])
print(sorted(fd for fd, t in targets if fd <= 2), {t for fd, t in targets if fd <= 2})
"""


def test_a_job_holds_no_descriptor_of_the_server(warm: WarmBwrapSandbox) -> None:
    """Only 0, 1, 2 (``/dev/null``) and the executor's own log in the outbox."""
    attack, _ = run(warm, [FD_ATTACK])
    assert attack == "written\n"
    look, _ = run(warm, [FD_LOOK])
    assert look == "False []\n[0, 1, 2] {'/dev/null'}\n"


PROBE = LIBC + """
ARGS = dict(unshare=(0x10000000,), io_uring_setup=(1, 0), keyctl=(0, -3, 0), bpf=(0, 0, 0),
            perf_event_open=(0, 0, -1, -1, 0), shmget=(0, 4096, 0o1600), clone3=(0, 0),
            mount=(b'none', b'/tmp', b'tmpfs', 0, 0), setns=(0, 0), ptrace=(16, 1, 0, 0))

def probe(x=None):
    return ' '.join(f"{name}={sc(name, *args)}" for name, args in ARGS.items())
"""
DENIED = ("unshare=EPERM io_uring_setup=EPERM keyctl=EPERM bpf=EPERM perf_event_open=EPERM "
          "shmget=EPERM clone3=ENOSYS mount=EPERM setns=EPERM ptrace=EPERM")


def test_the_filter_refuses_what_a_notebook_never_needs(warm: WarmBwrapSandbox) -> None:
    """In a cell and in a hidden call (the snapshot's runner) alike."""
    call = PlanCall("p", "q", "probe", 0, 5.0, (ArrayArg("x"),))
    out, records = run(warm, [PROBE, "print(probe())"], calls=(call,))
    assert out == DENIED + "\n"
    assert records["p"]["value"] == {"str": DENIED}


def test_threads_processes_and_the_libraries_still_work(warm: WarmBwrapSandbox) -> None:
    code = """
import threading, os, multiprocessing, subprocess
import numpy as np, scipy.linalg, matplotlib.pyplot as plt
t = threading.Thread(target=print, args=('thread',)); t.start(); t.join()
pid = os.fork()
if pid == 0:
    os._exit(3)
print('fork', os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
with multiprocessing.get_context('fork').Pool(2) as pool:
    print(pool.map(abs, [-1, -2]))
print(subprocess.run(['/bin/echo', 'exec'], capture_output=True, text=True).stdout.strip())
plt.plot([1, 2]); plt.savefig('/home/student/p.png')
print(round(float(scipy.linalg.det(np.eye(3))), 3))
"""
    out, _ = run(warm, [code])
    assert out == "thread\nfork 3\n[1, 2]\nexec\n1.0\n"


def test_a_correct_ps1_after_an_attacker_scores_full_marks(tmp_path: Path) -> None:
    """The attacker's leftovers (IPC, keys, descriptors) cannot lower the next student's score."""
    shutil.copytree(REPO / "source" / ASSIGNMENT, tmp_path / "source" / ASSIGNMENT)
    shutil.copy(REPO / "nbgrader_config.py", tmp_path / "nbgrader_config.py")
    course = load_course(tmp_path)
    release(course, ASSIGNMENT)
    source_nb = nbformat.read(str(course.source_notebook(ASSIGNMENT)), as_version=4)
    release_nb = nbformat.read(str(tmp_path / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"),
                               as_version=4)
    solution = _fill(release_nb, _answers(source_nb))
    attacker = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c)
                                               for c in (SHM_ATTACK, KEY_ATTACK, FD_ATTACK)])
    sandbox = make_sandbox(course, warm=True)
    try:
        results = {}
        for student, nb in (("attacker", attacker), ("honest", solution)):
            path = tmp_path / "submitted" / student / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
            path.parent.mkdir(parents=True)
            nbformat.write(nb, str(path))
            results[student] = grade_notebook(course, ASSIGNMENT, student, path,
                                              tmp_path / "autograded" / student / ASSIGNMENT,
                                              sandbox)
    finally:
        close = getattr(sandbox, "close", None)
        if close is not None:
            close()
    honest = results["honest"]
    assert honest.status == "graded"
    assert sum(q.points or 0.0 for q in honest.questions if q.kind == "auto") == 20.0
