"""Hostile submissions from THREAT_MODEL.md's catalogue, graded through the real pipeline.

Each test grades a tiny two-question notebook (solve: 3 points, reflection: 2) in
a real bubblewrap sandbox and checks the exact scores: an attack never raises
a score, and costs at most the question it sits in.
"""

from __future__ import annotations

from typing import Any

import pytest
from notebooks import make_course, source_notebook, submit, with_answer

from graders.config import load_course
from graders.pipeline.execute import REDUCED_ISOLATION
from graders.pipeline.grade import grade_notebook
from graders.result import SubmissionResult
from graders.sandbox import Job
from graders.sandbox.bwrap import BwrapSandbox
from graders.sandbox.hostuser import Staging

WRONG_SOLVE = "import numpy as np\n\ndef solve(A, b):\n    return np.zeros(len(b))\n"


@pytest.fixture(scope="module")
def course(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return load_course(make_course(tmp_path_factory.mktemp("course")))


def grade(course: Any, name: str, solve_src: str | None = None,
          reflect_src: str | None = None) -> SubmissionResult:
    nb = source_notebook()
    if solve_src is not None:
        nb = with_answer(nb, "q_solve", solve_src)
    if reflect_src is not None:
        nb = with_answer(nb, "q_reflect", reflect_src)
    path = submit(course.root, name, nb)
    return grade_notebook(course, "tiny", name, path, course.root / "autograded" / name / "tiny")


def scores(r: SubmissionResult) -> dict[str, float | None]:
    return {q.grade_id: q.points for q in r.questions if q.kind == "auto"}


def reason(r: SubmissionResult, grade_id: str) -> str:
    return next(q.reason for q in r.questions if q.grade_id == grade_id)


def test_control_correct_submission_scores_full(course: Any) -> None:
    r = grade(course, "control")
    assert r.status == "graded" and scores(r) == {"q_solve_test": 3, "q_reflect_test": 2}
    assert r.sandbox == "bwrap"


def test_patch_allclose_testing_and_abs(course: Any) -> None:
    attack = ("import builtins, numpy as np\nnp.allclose = lambda *a, **k: True\n"
              "np.testing.assert_allclose = lambda *a, **k: None\n"
              "np.testing.assert_array_equal = lambda *a, **k: None\n"
              "builtins.abs = lambda v: 0\n") + WRONG_SOLVE
    r = grade(course, "patcher", attack)
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}


def test_always_equal_and_array_function_objects(course: Any) -> None:
    attack = ("class Eq:\n    def __eq__(self, o): return True\n"
              "    def __array_function__(self, *a): return True\n"
              "def solve(A, b):\n    return Eq()\n")
    r = grade(course, "alwayseq", attack)
    assert scores(r)["q_solve_test"] == 0
    assert "not plain numeric" in reason(r, "q_solve_test")


def test_ast_strip_asserts_hooks_and_traceback_suppression(course: Any) -> None:
    attack = ("import ast, sys\nip = get_ipython()\n"
              "class Strip(ast.NodeTransformer):\n"
              "    def visit_Assert(self, node): return ast.Pass()\n"
              "ip.ast_transformers.append(Strip())\n"
              "ip.events.register('pre_run_cell', lambda *a: None)\n"
              "ip.showtraceback = lambda *a, **k: None\nsys.excepthook = lambda *a: None\n"
              "print('All tests passed! 100/100')\n") + WRONG_SOLVE
    r = grade(course, "stripper", attack)
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}


def test_sys_exit_and_hard_exit_cost_one_question(course: Any) -> None:
    r = grade(course, "exiter", "import sys\ndef solve(A, b):\n    sys.exit(0)\n",
              "import os\ndef reflection_matrix(B):\n    os._exit(0)\n")
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 0}
    assert "SystemExit" in reason(r, "q_solve_test")
    assert "without returning" in reason(r, "q_reflect_test")


def test_killing_the_executor_costs_only_that_question(course: Any) -> None:
    r = grade(course, "killer", "import os, signal\ndef solve(A, b):\n"
                                "    os.kill(os.getppid(), signal.SIGKILL)\n")
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}


def sandbox_flags(r: SubmissionResult) -> list[str]:
    """The flags about the sandbox (reruns past what killed it), not about assembly nor the
    isolation the job had (:data:`REDUCED_ISOLATION`, which names the sandbox too)."""
    return [f for f in r.flags if "sandbox" in f and not f.startswith(REDUCED_ISOLATION)]


# The test cell's public check calls solve(np.eye(2), np.ones(2)) in the notebook itself;
# the attacks below start only in the hidden calls, which run in the snapshot.
HIDDEN = "A.shape != (2, 2) or not np.array_equal(A, np.eye(2))"


def test_a_later_cell_cannot_change_an_earlier_questions_grade(course: Any) -> None:
    """Honest reuse of a helper's and a constant's name in a later cell (nbgrader grades
    each test cell in place): the earlier question's calls see the notebook as its test
    cell left it."""
    solve = ("import scipy.linalg\nSCALE = 1.0\n\n"
             "def helper(A, b):\n    return scipy.linalg.solve(A, b)\n\n"
             "def solve(A, b):\n    return SCALE * helper(A, b)\n")
    reflect = ("SCALE = 2.0\n\n"
               "def helper(B):\n    b = B[:, 0] / np.linalg.norm(B[:, 0])\n"
               "    return np.outer(b, b)\n\n"
               "def reflection_matrix(B):\n    return SCALE * helper(B) - np.eye(len(B))\n")
    r = grade(course, "reuser", solve, reflect)
    assert scores(r) == {"q_solve_test": 3, "q_reflect_test": 2}
    assert sandbox_flags(r) == []


def test_a_case_that_mutates_globals_cannot_raise_a_score(course: Any) -> None:
    """Right on its first hidden case only, solve then zeroes its arguments and every array
    the process holds, so that later cases would look trivial; and it primes a global that
    the reflection needs. Inputs are fresh per case and judged on the host's copy, and each
    question's calls run in their own snapshot: neither trick earns a mark."""
    solve = ("import gc\nimport numpy as np\nimport scipy.linalg\nstate = {'hidden': 0}\n\n"
             f"def solve(A, b):\n    if not ({HIDDEN}):\n"
             "        return scipy.linalg.solve(A, b)\n"
             "    state['hidden'] += 1\n    state['primed'] = True\n"
             "    x = scipy.linalg.solve(A, b) if state['hidden'] == 1 else np.zeros(len(b))\n"
             "    A[...] = np.eye(len(b))\n    b[...] = 0.0\n"
             "    for d in gc.get_objects():\n        if isinstance(d, dict):\n"
             "            for v in list(d.values()):\n"
             "                if isinstance(v, np.ndarray) and v.dtype.kind == 'f' and "
             "v.flags.writeable:\n                    v[...] = 0.0\n    return x\n")
    reflect = ("def reflection_matrix(B):\n    if not state.get('primed'):\n"
               "        return np.zeros((len(B), len(B)))\n"
               "    b = B[:, 0] / np.linalg.norm(B[:, 0])\n"
               "    return 2 * np.outer(b, b) - np.eye(len(b))\n")
    r = grade(course, "mutator", solve, reflect)
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 0}
    solve_cases = next(q.cases for q in r.questions if q.grade_id == "q_solve_test")
    assert solve_cases[0].passed and not any(c.passed for c in solve_cases[1:])


def test_a_case_that_masks_the_alarm_and_loops_costs_its_question_only(course: Any) -> None:
    """The soft limit cannot fire; the executor kills the snapshot at the case's hard limit
    and skips the question's other cases, and the rest of the notebook is graded."""
    attack = ("import signal\nimport scipy.linalg\n\n"
              f"def solve(A, b):\n    if {HIDDEN}:\n"
              "        signal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
              "        while True:\n            pass\n    return scipy.linalg.solve(A, b)\n")
    r = grade(course, "alarmmasker", attack)
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}
    assert "timeout" in reason(r, "q_solve_test") and "skipped" in reason(r, "q_solve_test")
    assert sandbox_flags(r) == []  # the sandbox survived: nothing was rerun


def test_a_case_that_swallows_the_alarm_still_times_out(course: Any) -> None:
    attack = ("import scipy.linalg\n\n"
              f"def solve(A, b):\n    if {HIDDEN}:\n        try:\n            while True:\n"
              "                pass\n        except BaseException:\n            pass\n"
              "    return scipy.linalg.solve(A, b)\n")
    r = grade(course, "swallower", attack)
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}
    assert "timeout" in reason(r, "q_solve_test")


def test_a_case_cannot_kill_the_executor(course: Any) -> None:
    """Its parent, every pid it can read in /proc, its process group, kill(-1): the calls
    run in a private pid namespace, so only the snapshot dies and nothing is rerun."""
    attack = ("import os, signal\n\n"
              f"def solve(A, b):\n    if not ({HIDDEN}):\n        return b\n"
              "    os.kill(os.getppid(), signal.SIGKILL)\n"
              "    for p in os.listdir('/proc'):\n"
              "        if p.isdigit() and int(p) != os.getpid():\n"
              "            try:\n                os.kill(int(p), signal.SIGKILL)\n"
              "            except OSError:\n                pass\n"
              "    os.kill(-1, signal.SIGKILL)\n    os.kill(0, signal.SIGKILL)\n    return b\n")
    r = grade(course, "slayer", attack)
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}
    assert sandbox_flags(r) == [] and r.status == "graded"


def test_records_forged_by_a_cell_cannot_stand_in_for_a_crashing_function(
        course: Any) -> None:
    """The answer cell writes a correct-looking record for every hidden case of solve (read
    from the plan and the inputs), then solve exits in each hidden call: the snapshot
    clears its calls' records before it starts, so the crash is what counts."""
    attack = ("import json, os\nimport numpy as np\nimport scipy.linalg\n"
              "from runtime.encode import encode\n"
              "plan, inputs = json.load(open('/job/plan.json')), np.load('/job/inputs.npz')\n"
              "os.makedirs('/out/calls', exist_ok=True)\n"
              "for c in plan['calls']:\n    if c['function'] != 'solve':\n        continue\n"
              "    A, b = (inputs[a['array']] for a in c['args'])\n    try:\n"
              "        x = scipy.linalg.solve(A, b)\n"
              "        record = {'status': 'ok', 'value': encode(x, '/out/calls', c['key'])}\n"
              "    except Exception as exc:\n"
              "        record = {'status': 'error', 'error': f'{type(exc).__name__}: {exc}'}\n"
              "    with open(f\"/out/calls/{c['key']}.json\", 'w') as fh:\n"
              "        json.dump(record, fh)\n\n"
              f"def solve(A, b):\n    if {HIDDEN}:\n        os._exit(0)\n"
              "    return scipy.linalg.solve(A, b)\n")
    r = grade(course, "preforger", attack)
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}
    assert "without returning" in reason(r, "q_solve_test")


class NoUserNamespaces(BwrapSandbox):
    """bubblewrap with nested user namespaces disabled (as a container's seccomp would)."""

    def command(self, job: Job, stage: Staging | None = None) -> list[str]:
        cmd = super().command(job, stage)
        at = cmd.index("--unshare-user") + 1
        return [*cmd[:at], "--disable-userns", *cmd[at:]]


def test_without_user_namespaces_a_case_that_kills_the_executor_costs_a_rerun(
        course: Any) -> None:
    """The fallback: the call runs in a plain fork and kills the executor; the host blames
    a call of that question (the snapshot may outlive the executor by a case or two),
    abandons the question and reruns for the rest."""
    attack = ("import os, signal\n\n"
              f"def solve(A, b):\n    if {HIDDEN}:\n"
              "        os.kill(os.getppid(), signal.SIGKILL)\n    return b\n")
    nb = with_answer(source_notebook(), "q_solve", attack)
    path = submit(course.root, "fallback", nb)
    r = grade_notebook(course, "tiny", "fallback", path,
                       course.root / "autograded" / "fallback" / "tiny", NoUserNamespaces())
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}
    flags = sandbox_flags(r)
    assert len(flags) == 1 and flags[0].startswith("the sandbox died (exit 137) during call q0_")
    assert flags[0].endswith(": rerun for the rest")
    assert any(f.startswith(REDUCED_ISOLATION) for f in r.flags)  # and the TA is told why


def test_loop_in_function_times_out_that_question(course: Any) -> None:
    r = grade(course, "looper", "def solve(A, b):\n    while True:\n        pass\n")
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}
    assert ("timeout: no result within the 3 s call limit (c.MMLGrader.case_timeout)"
            in reason(r, "q_solve_test"))


def test_a_cell_past_its_limit_is_told_the_limit(course: Any) -> None:
    r = grade(course, "slowcell", "import time\ntime.sleep(60)\n")
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}
    nb_out = (course.root / "autograded" / "slowcell" / "tiny" / "tiny.ipynb").read_text()
    assert "the cell ran past the 5 s cell limit (c.MMLGrader.cell_timeout)" in nb_out


def test_top_level_loop_that_masks_the_soft_limit(course: Any) -> None:
    """The hard limit kills the sandbox; the rerun skips that cell; the other question counts."""
    attack = ("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\n"
              "def solve(A, b):\n    return b\nwhile True:\n    pass\n")
    c = load_course(course.root, submission_timeout=20.0)
    nb = with_answer(source_notebook(), "q_solve", attack)
    path = submit(c.root, "masker", nb)
    r = grade_notebook(c, "tiny", "masker", path, c.root / "autograded" / "masker" / "tiny")
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}
    assert any("rerun without that cell" in f for f in r.flags)


def test_forged_result_files_are_ignored(course: Any) -> None:
    attack = ("import json, os\n"
              "for d in ['/out', '/out/calls', '/home/student', '/tmp']:\n"
              "    os.makedirs(d, exist_ok=True)\n"
              "    for k in range(12):\n"
              "        try:\n"
              "            open(f'{d}/q0_c0_k{k}.json', 'w').write('{\"status\": \"ok\", "
              "\"value\": {\"array\": \"../../etc/passwd\"}}')\n"
              "        except OSError:\n            pass\n") + WRONG_SOLVE
    r = grade(course, "forger", attack)
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}


def test_reading_secrets_finds_nothing(course: Any) -> None:
    root = str(course.root)
    attack = ("import glob, os\n"
              "def solve(A, b):\n    import scipy.linalg\n    return scipy.linalg.solve(A, b)\n"
              f"found = glob.glob({root!r} + '/**', recursive=True)\n"
              "for top in ('/work', '/root', '/home', '/tmp', '/opt', '/job', '/out', '/etc'):\n"
              "    found += glob.glob(top + '/**', recursive=True)\n"
              "leak = [p for p in found if 'source' in p or p.endswith('.db') or 'graders/' in p"
              " and 'runtime' not in p]\n"
              "assert not leak, leak\n"
              "assert 'NBGRADER_EXECUTION' not in os.environ\n")
    r = grade(course, "snoop", attack)
    assert scores(r) == {"q_solve_test": 3, "q_reflect_test": 2}
    nb_out = (course.root / "autograded" / "snoop" / "tiny" / "tiny.ipynb").read_text()
    assert "AssertionError" not in nb_out


def test_fork_bomb_in_a_cell_costs_nothing_else(course: Any) -> None:
    r = grade(course, "forker", "import os\ndef solve(A, b):\n    import scipy.linalg\n"
                                "    return scipy.linalg.solve(A, b)\n"
                                "while True:\n    os.fork()\n")
    assert scores(r) == {"q_solve_test": 3, "q_reflect_test": 2}


def test_memory_bomb_in_function(course: Any) -> None:
    r = grade(course, "hog", "import numpy as np\ndef solve(A, b):\n    return np.ones(2**33)\n")
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2}
    assert (f"memory limit of {course.grader.memory_mb} MiB per process reached "
            "(c.MMLGrader.memory_mb)") in reason(r, "q_solve_test")


def test_output_flood_is_truncated(course: Any) -> None:
    # 10⁵ lines of 41 bytes is 4 MB, 60× the 64 KiB cap, and prints in ≈ 0.3 s idle: the
    # cell's 5 s limit leaves room for a loaded machine (10⁶ lines timed out on one).
    r = grade(course, "flood", "for i in range(10**5):\n    print('spam' * 10)\n"
                               "def solve(A, b):\n    import scipy.linalg\n"
                               "    return scipy.linalg.solve(A, b)\n")
    assert scores(r) == {"q_solve_test": 3, "q_reflect_test": 2}
    nb_out = (course.root / "autograded" / "flood" / "tiny" / "tiny.ipynb").read_text()
    assert len(nb_out) < 1_000_000
    assert "the output limit of 64 KiB per cell was reached (c.MMLGrader.output_cap_kb)" in nb_out


def test_a_case_that_requires_raising(course: Any) -> None:
    """Case.raises: passing needs the named exception; another exception or a value fails."""
    from graders.checks import Case, get_check
    from graders.pipeline.execute import CallOutcome, Execution
    from graders.pipeline.judge import _verdict
    from graders.pipeline.plan import PlannedCall
    from graders.runtime.protocol import CallStatus

    spec = get_check("linear_algebra.solve")
    case = Case("singular 2x2", (), raises=("LinAlgError",))
    call = PlannedCall("k", "q", spec, case)
    verdict = lambda outcome: _verdict(call, Execution(calls={"k": outcome}))  # noqa: E731
    assert verdict(CallOutcome(CallStatus.ERROR, error="LinAlgError: singular")).passed
    assert not verdict(CallOutcome(CallStatus.ERROR, error="ZeroDivisionError: x")).passed
    assert not verdict(CallOutcome(CallStatus.OK, value=1.0)).passed
    assert not verdict(CallOutcome(CallStatus.CRASH, error="timeout")).passed


def test_result_amplification_fails_that_question_only(tmp_path_factory: pytest.TempPathFactory
                                                       ) -> None:
    """One array returned 48 times: 48 files the judge would load, over a 1 MiB budget."""
    root = make_course(tmp_path_factory.mktemp("budget"))
    with open(root / "nbgrader_config.py", "a") as fh:
        fh.write("c.MMLGrader.result_call_mb = 1\n")
    attack = ("import numpy as np\nBIG = np.zeros(2**16)\n"
              "def solve(A, b):\n    return (BIG,) * 48\n")
    r = grade(load_course(root), "amplifier", attack)
    assert scores(r) == {"q_solve_test": 0, "q_reflect_test": 2} and r.status == "graded"
    assert ("result too large: its arrays take 24.0 MiB, over the result limit of 1 MiB per "
            "call (c.MMLGrader.result_call_mb)") in reason(r, "q_solve_test")
