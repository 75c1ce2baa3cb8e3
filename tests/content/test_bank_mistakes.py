"""Named mistakes over every task's bank (graders/mistakes.py), in-process, no sandbox.

For the course's default grading seed: each planted wrong answer the bank marks nameable is
named, with its own name, from its own outputs on the hidden cases (so no other wrong answer
behaves the same there: the name is unambiguous); no correct alternative and no reference is
ever given a name; and no planted answer depends on a name the notebook's setup cell does not
provide (the bank runs after ``BANK_PRELUDE``, as the grading process runs it). The real
pipeline (sandbox, judge, result.json) is tested in ``tests/e2e/test_mistakes.py``.
"""

from __future__ import annotations

import contentkit
import pytest

from graders.authoring import DEFAULT_SEED
from graders.checks import Task
from graders.mistakes import (
    answer_outcomes,
    bank_outcomes,
    callable_outcomes,
    matches,
    name_mistake,
)

TASKS = contentkit.all_tasks()
TASK_IDS = [f"{a}/{t.answer_cell}" for a, t in TASKS]


@pytest.mark.parametrize(("assignment", "task"), TASKS, ids=TASK_IDS)
def test_each_nameable_mistake_is_named(assignment: str, task: Task) -> None:
    bank = bank_outcomes(task, DEFAULT_SEED)
    for wrong in task.wrong:
        outcomes = bank[wrong.name]
        assert not any(o.kind == "error" and o.error == "NameError" for o in outcomes.values()), \
            f"{wrong.name} uses a name the notebook's setup cell does not define"
        named = name_mistake(task, outcomes, bank)
        if wrong.nameable:
            assert named == wrong, (f"{wrong.name} named {named and named.name}: another "
                                    "wrong answer behaves the same on the hidden cases")
        else:
            assert named is None


@pytest.mark.parametrize(("assignment", "task"), TASKS, ids=TASK_IDS)
def test_correct_answers_are_never_named(assignment: str, task: Task) -> None:
    bank = bank_outcomes(task, DEFAULT_SEED)
    for alternative in task.alternatives:
        outcomes = answer_outcomes(task, alternative.code, DEFAULT_SEED)
        assert not any(o.failed for o in outcomes.values()), alternative.name
        assert name_mistake(task, outcomes, bank) is None, alternative.name
        assert not [w.name for w in task.wrong if matches(outcomes, bank[w.name])]
    references = {s.function: s.reference for s in task.checks if s.reference is not None}
    if len(references) == len(task.checks):
        outcomes = callable_outcomes(task, references, DEFAULT_SEED)
        assert name_mistake(task, outcomes, bank) is None
        assert not [w.name for w in task.wrong if matches(outcomes, bank[w.name])]
