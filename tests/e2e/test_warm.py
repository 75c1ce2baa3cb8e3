"""The warm sandbox: one student's run leaves nothing for the next one in the same worker."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graders.runtime.protocol import ArrayArg, JobPlan, PlanCall, PlanCell, PlanSettings
from graders.sandbox import Job, Limits
from graders.sandbox.warm import WarmBwrapSandbox


@pytest.fixture(scope="module")
def warm() -> Iterator[WarmBwrapSandbox]:
    sandbox = WarmBwrapSandbox(Limits(wall_seconds=30))
    yield sandbox
    sandbox.close()


def run(sandbox: WarmBwrapSandbox, cells: list[str], wall: float = 30.0,
        calls: tuple[PlanCall, ...] = ()) -> tuple[Any, str]:
    d = Path(tempfile.mkdtemp())
    job = Job(d / "job", d / "out", d / "work", Limits(wall_seconds=wall))
    for sub in (job.job_dir, job.out_dir, job.work_dir):
        sub.mkdir()
    plan = JobPlan(PlanSettings(5, 5000, sweep=True),
                   tuple(PlanCell(i, s) for i, s in enumerate(cells)), calls)
    (job.job_dir / "plan.json").write_text(plan.to_json())
    np.savez(job.job_dir / "inputs.npz", x=np.zeros(1))
    result = sandbox.run(job)
    log = job.out_dir / "cells.jsonl"
    text = "".join(o.get("text", "") for line in log.read_text().splitlines()
                   for o in json.loads(line)["outputs"]) if log.exists() else ""
    return result, text


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
