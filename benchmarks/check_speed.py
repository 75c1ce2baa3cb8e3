"""Seconds of CPU per hidden check, judged in-process against its own reference.

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/check_speed.py [BUDGET_SECONDS]

For every check of every task module (found by discovery), the best of three CPU times of
generating its cases and judging the reference's outputs, with one BLAS thread as in the
sandbox. Checks above the budget (default 0.2 s, the syllabus's per-check budget; sample_mvn's
N = 20,000 draws are allowed 0.5 s) are marked. These were timed assertions in the test
suite, where a loaded machine made them fail; a budget is measured here instead.
"""

from __future__ import annotations

import sys
import time

from graders.authoring import run_inprocess
from graders.checks import task_modules, tasks


def main(budget: float) -> int:
    """Print one row per check; return the number of checks over budget."""
    over = 0
    print(f"{'check':45} {'cpu s':>7}  budget {budget:g} s")
    for assignment in sorted(task_modules()):
        for task in tasks(assignment):
            for spec in task.checks:
                if spec.reference is None:
                    continue
                best = min(_cpu(spec.reference, spec.id) for _ in range(3))
                limit = 0.5 if spec.id.endswith("sample_mvn") else budget
                flag = "  <-- over" if best > limit else ""
                over += bool(flag)
                print(f"{spec.id:45} {best:7.3f}{flag}")
    return over


def _cpu(reference: object, check_id: str) -> float:
    start = time.process_time()
    verdicts = run_inprocess(reference, check_id)  # type: ignore[arg-type]
    elapsed = time.process_time() - start
    assert all(v.passed for v in verdicts), check_id
    return elapsed


if __name__ == "__main__":
    sys.exit(1 if main(float(sys.argv[1]) if len(sys.argv) > 1 else 0.2) else 0)
