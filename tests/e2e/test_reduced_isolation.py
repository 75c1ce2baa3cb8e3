"""A job graded with reduced isolation is recorded, in the real bubblewrap sandbox.

``runtime.isolation.enter_job`` gives each job its own user and IPC namespaces where the
kernel allows; where it does not (a container's default seccomp profile), the job shares
the sandbox's. The executor writes what it achieved to ``isolation.json`` and the host
flags the submission. To force the reduced case here, the host's environment sets
``MML_TEST_REDUCED_ISOLATION=1`` (tests only): the plan then tells the job to skip its
namespace step, exactly as if the kernel had refused it.
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from jobs import cell_records, cell_text, make_job
from notebooks import make_course, source_notebook, submit

from graders.commands.cli import main
from graders.config import load_course
from graders.pipeline.execute import REDUCED_ISOLATION, TEST_REDUCED_ISOLATION
from graders.pipeline.source import split_hidden
from graders.result import SubmissionResult
from graders.runtime.protocol import ISOLATION_FILE, IsolationRecord
from graders.sandbox import Limits
from graders.sandbox.warm import WarmBwrapSandbox

#: The job's effective capabilities: in a user namespace of its own the executor keeps
#: CAP_SYS_ADMIN there (runtime.isolation._keep_only_sys_admin); in the sandbox's it has none.
CAPABILITIES = ("print([line.split()[1] for line in open('/proc/self/status')"
                " if line.startswith('CapEff')][0])")
CAP_SYS_ADMIN = 1 << 21


@pytest.fixture(scope="module")
def warm() -> Iterator[WarmBwrapSandbox]:
    sandbox = WarmBwrapSandbox(Limits(wall_seconds=60))
    yield sandbox
    sandbox.close()


def run_job(sandbox: WarmBwrapSandbox, namespaces: bool) -> tuple[str, IsolationRecord]:
    """One job printing its capabilities; its output and its isolation record."""
    d = Path(tempfile.mkdtemp())
    try:
        job = make_job(d, [CAPABILITIES], Limits(wall_seconds=60), cell_timeout=30,
                       namespaces=namespaces)
        assert sandbox.run(job).returncode == 0
        [record] = cell_records(job)
        isolation = IsolationRecord.from_json((job.out_dir / ISOLATION_FILE).read_text())
        return cell_text(record), isolation
    finally:
        shutil.rmtree(d)


def test_the_record_says_what_each_job_achieved(warm: WarmBwrapSandbox) -> None:
    own = [run_job(warm, namespaces=True) for _ in range(2)]
    shared = [run_job(warm, namespaces=False) for _ in range(2)]
    assert [rec for _, rec in own] == [IsolationRecord(True, True, True)] * 2
    assert [rec for _, rec in shared] == [IsolationRecord(False, True, True)] * 2
    # what the record says is what the job had: CAP_SYS_ADMIN in a user namespace of its own
    assert [int(text, 16) for text, _ in own] == [CAP_SYS_ADMIN] * 2
    assert [int(text, 16) for text, _ in shared] == [0] * 2


def test_mml_grade_flags_reduced_isolation_in_the_result_table_and_export(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_course(tmp_path / "course")
    nb = source_notebook()
    for cell in nb.cells:  # as released: without the hidden test regions
        cell.source = split_hidden(cell.source)[0]
    submit(root, "alice", nb)
    monkeypatch.setenv(TEST_REDUCED_ISOLATION, "1")
    out = CliRunner().invoke(main, ["grade", "tiny", "--course", str(root), "--workers", "1"])
    assert out.exit_code == 0, out.output
    assert f"1 flag(s): {REDUCED_ISOLATION}" in out.output  # the class table
    result = SubmissionResult.from_json(
        load_course(root).result_path("alice", "tiny").read_text())
    [flag] = result.flags
    assert flag.startswith(f"{REDUCED_ISOLATION}: no user and IPC namespaces")
    assert result.status == "graded"
    out = CliRunner().invoke(main, ["export", "tiny", "--course", str(root)])
    assert out.exit_code == 0, out.output
    [row] = csv.DictReader(io.StringIO(out.output))
    assert row["flags"] == flag

    monkeypatch.delenv(TEST_REDUCED_ISOLATION)
    out = CliRunner().invoke(main, ["grade", "tiny", "--course", str(root), "--workers", "1",
                                    "--force"])
    assert out.exit_code == 0, out.output
    regraded = SubmissionResult.from_json(
        load_course(root).result_path("alice", "tiny").read_text())
    assert regraded.flags == [] and regraded.total == result.total
