"""Every task module of the course, found by discovery: the same bar for every question.

For each ``graders/content/<assignment>/<task>.py``: the module matches its notebook (the
answer cell exists, its test cell names exactly the task's checks), its bank has at least
three named wrong answers with a one-sentence hint and two alternatives, every wrong answer
fails a hidden case and every alternative passes them all for every grading seed, the
notebook's solution passes, the generator is deterministic, and the reference passes its
own judge. Nothing here is a hand-kept list: adding a task module adds its tests.
"""

from __future__ import annotations

import re

import contentkit
import pytest
from contentkit import SEEDS

from graders.answers import reference_answer
from graders.authoring import run_case, run_inprocess
from graders.checks import Task, get_check

TASKS = contentkit.all_tasks()
TASK_IDS = [f"{a}/{t.answer_cell}" for a, t in TASKS]
CHECKS = [(a, c.id) for a, t in TASKS for c in t.checks]
REFERENCED = [(a, c) for a, c in CHECKS if get_check(c).reference is not None]
_HIDDEN = re.compile(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS", re.S)
_CHECK_CALL = re.compile(r"check\((\w+), \"([\w.]+)\"\)")


def _test_cell_checks(assignment: str, answer_cell: str) -> list[tuple[str, str]]:
    """The ``check(function, "id")`` calls of the answer cell's test cell, in order."""
    cells = {c.metadata.get("nbgrader", {}).get("grade_id"): c
             for c in contentkit.read_notebook(assignment).cells}
    assert answer_cell in cells, f"{assignment}: no answer cell {answer_cell}"
    test = cells.get(f"{answer_cell}_test")
    assert test is not None, f"{assignment}: no test cell {answer_cell}_test"
    match = _HIDDEN.search(test.source)
    assert match, f"{answer_cell}_test has no hidden region"
    return _CHECK_CALL.findall(match.group(1))


@pytest.mark.parametrize(("assignment", "task"), TASKS, ids=TASK_IDS)
def test_task_matches_its_notebook(assignment: str, task: Task) -> None:
    assert sorted(_test_cell_checks(assignment, task.answer_cell)) == sorted(task.functions)


@pytest.mark.parametrize(("assignment", "task"), TASKS, ids=TASK_IDS)
def test_bank_shape(assignment: str, task: Task) -> None:
    assert len(task.wrong) >= 3 and len(task.alternatives) >= 2
    names = [e.name for e in (*task.wrong, *task.alternatives)]
    assert len(set(names)) == len(names), "planted answers need distinct names"
    for wrong in task.wrong:
        assert re.fullmatch(r"\w+", wrong.name)
        # One sentence for a student: no line break, ends with a full stop, short.
        assert "\n" not in wrong.hint and wrong.hint.endswith((".", "?")), wrong.name
        assert 20 <= len(wrong.hint) <= 240, wrong.name


@pytest.mark.parametrize(("assignment", "answer_cell", "kind", "name"),
                         contentkit.task_entries())
@pytest.mark.parametrize("seed", SEEDS)
def test_planted_answer(assignment: str, answer_cell: str, kind: str, name: str,
                        seed: int) -> None:
    failed = contentkit.task_failures(contentkit.get_task(assignment, answer_cell), kind, name,
                                      seed)
    if kind == "wrong":
        assert failed, f"wrong answer {name} passed every case"
    else:
        assert not failed, f"alternative {name} failed: {failed}"


@pytest.mark.parametrize(("assignment", "task"), TASKS, ids=TASK_IDS)
def test_notebook_solution_passes(assignment: str, task: Task) -> None:
    contentkit.assert_solution_passes(assignment, task.answer_cell, task.functions, SEEDS,
                                      undefined_fails=True)


@pytest.mark.parametrize(("assignment", "check_id"), CHECKS)
def test_generator_is_deterministic(assignment: str, check_id: str) -> None:
    contentkit.assert_generator_deterministic(check_id)


@pytest.mark.parametrize(("assignment", "check_id"), REFERENCED)
def test_reference_passes_its_own_check(assignment: str, check_id: str) -> None:
    spec = get_check(check_id)
    assert spec.reference is not None
    if spec.answer == "function":
        verdicts = run_inprocess(spec.reference, check_id)
    else:  # a value or a formula: the reference on the case's own parameters
        verdicts = [spec.decide(c, run_case(reference_answer(spec, c), c, spec.answer))
                    for c in contentkit.check_cases(check_id)]
    assert all(v.passed for v in verdicts), [v.message for v in verdicts]


@pytest.mark.parametrize(("assignment", "check_id"), CHECKS)
def test_case_labels_do_not_spell_out_hidden_inputs(assignment: str, check_id: str) -> None:
    """A label is the kind of input, shown to students in feedback: never the input itself.

    A hand-made case is fixed for every seed, so a label that writes out its matrix would
    hand students a hidden input (and, with the reference, its expected value). Intervals
    and small index sets that name the kind of edge case ("on [0, 1]") are allowed.
    """
    for seed in SEEDS:
        for case in contentkit.check_cases(check_id, seed):
            assert "[[" not in case.label, case.label  # a matrix written out
