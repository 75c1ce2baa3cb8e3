"""test_adversarial.py's attacks, a representative subset, graded through one warm docker
container: the same exact scores as under bubblewrap, and the next student unaffected.

Each case is test_adversarial.py's own test function, run with a course whose backend is
docker and with its grading routed through this module's warm container (the batch
worker's sandbox), so the attacks and their expected scores are defined once. Skipped,
with the reason, only where no engine can run a container (test_docker.py's check).
"""

from __future__ import annotations

import functools
import shlex
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import test_adversarial as adversarial
from notebooks import make_course
from test_docker import ENGINE, IMAGE, NO_ENGINE
from test_docker import docker as docker

from graders.config import Course, load_course
from graders.pipeline.grade import grade_notebook
from graders.sandbox import limits_of
from graders.sandbox.docker import DockerSandbox
from graders.sandbox.docker_warm import WarmDockerSandbox, _Container

pytestmark = pytest.mark.skipif(bool(NO_ENGINE), reason=NO_ENGINE)

#: The attacks (test_adversarial.py's tests) run here: patched checks, always-equal
#: objects, AST and hook tampering, exits, killing the executor from a cell, mutated
#: globals, alarm masking, a fork bomb, a memory bomb, a loop. Two more are adapted
#: below: record forging (the job's folders are /inbox/<job> and /outbox/<job> in a warm
#: container, not /job and /out) and snooping (the image's venv has file names with
#: "source" in them, so the container's own listing is checked instead).
CASES: list[Callable[[Any], None]] = [
    adversarial.test_patch_allclose_testing_and_abs,
    adversarial.test_always_equal_and_array_function_objects,
    adversarial.test_ast_strip_asserts_hooks_and_traceback_suppression,
    adversarial.test_sys_exit_and_hard_exit_cost_one_question,
    adversarial.test_killing_the_executor_costs_only_that_question,
    adversarial.test_a_case_that_mutates_globals_cannot_raise_a_score,
    adversarial.test_a_case_that_masks_the_alarm_and_loops_costs_its_question_only,
    adversarial.test_fork_bomb_in_a_cell_costs_nothing_else,
    adversarial.test_memory_bomb_in_function,
    adversarial.test_loop_in_function_times_out_that_question,
]

#: A hidden call that kills its parent, every process it can see, its group and kill(-1).
SLAYER = ("import os, signal\n\n"
          f"def solve(A, b):\n    if not ({adversarial.HIDDEN}):\n        return b\n"
          "    os.kill(os.getppid(), signal.SIGKILL)\n"
          "    for p in os.listdir('/proc'):\n"
          "        if p.isdigit() and int(p) != os.getpid():\n"
          "            try:\n                os.kill(int(p), signal.SIGKILL)\n"
          "            except OSError:\n                pass\n"
          "    os.kill(-1, signal.SIGKILL)\n    os.kill(0, signal.SIGKILL)\n    return b\n")


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory, docker: DockerSandbox) -> Course:
    root = make_course(tmp_path_factory.mktemp("docker-adversarial"))
    return load_course(root, sandbox="docker", docker_image=IMAGE,
                       docker_command=shlex.join(ENGINE))


@pytest.fixture(scope="module")
def warm(course: Course) -> Iterator[WarmDockerSandbox]:
    """One warm container for the module, as a batch worker has (the course's limits)."""
    sandbox = WarmDockerSandbox(limits_of(course, course.grader.submission_timeout),
                                image=IMAGE, engine=ENGINE)
    yield sandbox
    sandbox.close()


@pytest.fixture
def through_warm(warm: WarmDockerSandbox, monkeypatch: pytest.MonkeyPatch) -> WarmDockerSandbox:
    """test_adversarial.py's ``grade`` grades in the warm container."""
    monkeypatch.setattr(adversarial, "grade_notebook",
                        functools.partial(grade_notebook, sandbox=warm))
    return warm


FORGER = ("import glob, json, os\nimport numpy as np\nimport scipy.linalg\n"
          "from runtime.encode import encode\n"
          "job = os.path.dirname((glob.glob('/inbox/*/plan.json') + ['/job/plan.json'])[0])\n"
          "out = '/outbox/' + os.path.basename(job) if job.startswith('/inbox') else '/out'\n"
          "plan = json.load(open(job + '/plan.json'))\n"
          "inputs = np.load(job + '/inputs.npz')\n"
          "os.makedirs(out + '/calls', exist_ok=True)\n"
          "for c in plan['calls']:\n    if c['function'] != 'solve':\n        continue\n"
          "    A, b = (inputs[a['array']] for a in c['args'])\n"
          "    x = scipy.linalg.solve(A, b)\n"
          "    record = {'status': 'ok', 'value': encode(x, out + '/calls', c['key'])}\n"
          "    with open(f\"{out}/calls/{c['key']}.json\", 'w') as fh:\n"
          "        json.dump(record, fh)\n"
          "print('forged', len(os.listdir(out + '/calls')))\n\n"
          f"def solve(A, b):\n    if {adversarial.HIDDEN}:\n        os._exit(0)\n"
          "    return scipy.linalg.solve(A, b)\n")

#: What a student's code can see of the container: the course's files, a gradebook, the
#: instructor's package or notebooks, the grader's environment variables must be absent.
SNOOP = ("import glob, os\nimport scipy.linalg\n"
         "def solve(A, b):\n    return scipy.linalg.solve(A, b)\n"
         "found = []\n"
         "for top in ('/work', '/root', '/home', '/tmp', '/opt/mml', '/inbox', '/outbox', '/etc',"
         " '/srv', '/mnt', '/media', '/var'):\n"
         "    found += glob.glob(top + '/**', recursive=True)\n"
         "marks = ('/source/', '/release/', '/autograded/', '/submitted/', 'docker-adversarial',"
         " 'gradebook', 'graders/')\n"
         "leak = [p for p in found\n"
         "        if p.endswith(('.db', '.ipynb')) or any(m in p for m in marks)]\n"
         "assert not leak, leak\n"
         "assert sorted(os.listdir('/opt/mml')) == ['runtime', 'student.lock'], "
         "os.listdir('/opt/mml')\n"
         "assert not [k for k in os.environ if 'NBGRADER' in k or 'MML' in k]\n")


def _control(course: Course) -> None:
    """A correct submission after the attack: full marks, in the docker backend."""
    r = adversarial.grade(course, "control")
    assert r.status == "graded" and r.sandbox == "docker"
    assert adversarial.scores(r) == {"q_solve_test": 3, "q_reflect_test": 2}


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.__name__.removeprefix("test_"))
def test_an_attack_scores_as_under_bubblewrap(case: Callable[[Any], None], course: Course,
                                              through_warm: WarmDockerSandbox) -> None:
    case(course)


def test_a_hidden_call_that_kills_the_server_costs_only_its_question(
        course: Course, through_warm: WarmDockerSandbox) -> None:
    """Where the job has its own pid namespace (podman) only the snapshot dies; elsewhere
    (Docker's default seccomp profile) the server dies, the container is replaced and the
    rest is rerun. Either way: no point for the question, full marks for the next student."""
    adversarial.grade(course, "warmup")
    assert isinstance(through_warm._server, _Container)
    r = adversarial.grade(course, "slayer", SLAYER)
    assert r.status == "graded" and r.sandbox == "docker"
    assert adversarial.scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}
    flags = adversarial.sandbox_flags(r)
    assert flags == [] or (len(flags) == 1 and flags[0].endswith(": rerun for the rest")), flags
    _control(course)
    _control(course)  # and the one after


def test_records_forged_by_a_cell_cannot_stand_in_for_a_crashing_function(
        course: Course, through_warm: WarmDockerSandbox) -> None:
    """test_adversarial.py's forger, finding the warm container's job folders."""
    r = adversarial.grade(course, "preforger", FORGER)
    out = (course.root / "autograded" / "preforger" / "tiny" / "tiny.ipynb").read_text()
    assert "forged " in out  # the forgery itself ran
    assert adversarial.scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}
    assert "without returning" in adversarial.reason(r, "q_solve_test")


def test_reading_secrets_finds_nothing(course: Course, through_warm: WarmDockerSandbox) -> None:
    r = adversarial.grade(course, "snoop", SNOOP)
    out = (course.root / "autograded" / "snoop" / "tiny" / "tiny.ipynb").read_text()
    assert "AssertionError" not in out and "\"ename\"" not in out, out[-3000:]
    assert adversarial.scores(r) == {"q_solve_test": 3, "q_reflect_test": 2}
