"""Sandbox jobs built straight from code cells, for the tests of real sandboxes.

The end-to-end sandbox tests (bubblewrap, warm, docker) run a few cells without a course
or a notebook: :func:`make_job` writes the job's folders, ``plan.json`` and
``inputs.npz`` as the host's pipeline would, and :func:`cell_records` and
:func:`cell_text` read back what the executor reported in ``cells.jsonl``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from graders.runtime.protocol import (
    CELLS_FILE,
    INPUTS_FILE,
    PLAN_FILE,
    JobPlan,
    PlanCall,
    PlanCell,
    PlanSettings,
)
from graders.sandbox import Job, Limits

__all__ = ["cell_records", "cell_text", "make_job", "output_text"]


def make_job(folder: Path, cells: Sequence[str], limits: Limits, *,
             calls: Sequence[PlanCall] = (), cell_timeout: float = 5.0,
             output_cap: int = 5000, namespaces: bool = True,
             inputs: Mapping[str, npt.ArrayLike] | None = None) -> Job:
    """A job that runs ``cells`` (then ``calls``), its plan and inputs written.

    Its folders are ``folder/job``, ``folder/out`` and ``folder/work`` (made here), so
    that a test can look in ``folder/out`` afterwards. ``cell_timeout``, ``output_cap``
    and ``namespaces`` go to the plan's settings (sweeping after each cell, as the
    pipeline does); ``inputs`` are the arrays of ``inputs.npz`` (default: ``x``, one zero).
    """
    job = Job(folder / "job", folder / "out", folder / "work", limits)
    for sub in (job.job_dir, job.out_dir, job.work_dir):
        sub.mkdir(parents=True, exist_ok=True)
    plan = JobPlan(PlanSettings(cell_timeout, output_cap, sweep=True, namespaces=namespaces),
                   tuple(PlanCell(i, source) for i, source in enumerate(cells)), tuple(calls))
    (job.job_dir / PLAN_FILE).write_text(plan.to_json())
    arrays: Mapping[str, npt.ArrayLike] = {"x": np.zeros(1)} if inputs is None else inputs
    # numpy's stubs fear that ``**arrays`` sets savez's bool ``allow_pickle``
    np.savez(job.job_dir / INPUTS_FILE, **arrays)  # type: ignore[arg-type]
    return job


def cell_records(job: Job) -> list[dict[str, Any]]:
    """The executor's record of each cell that finished, as JSON objects, in order.

    Empty where the sandbox wrote no ``cells.jsonl`` (killed before its first cell).
    """
    log = job.out_dir / CELLS_FILE
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def cell_text(record: dict[str, Any]) -> str:
    """What one cell printed: the text of its stream outputs (stdout and stderr)."""
    return "".join(o.get("text", "") for o in record["outputs"] if o["output_type"] == "stream")


def output_text(job: Job) -> str:
    """What all the job's cells printed, one after the other."""
    return "".join(cell_text(record) for record in cell_records(job))
