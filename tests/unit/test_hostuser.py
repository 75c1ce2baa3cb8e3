"""The host user a root grader runs bubblewrap as: who, the command line, the hand-over, the flag.

The real sandbox's side (the uid outside, file owners, a root-only file, two students, a
host that refuses) is proved in tests/e2e/test_host_uid.py; these check the logic alone.
"""

from __future__ import annotations

import dataclasses
import os
import stat
import sys
from pathlib import Path

import pytest
from fakesandbox import FakeSandbox, expected, record, tiny_plan

from graders.config import MMLGrader
from graders.pipeline.execute import REDUCED_ISOLATION, execute
from graders.sandbox import Job, Limits, SandboxRun, hostuser
from graders.sandbox.bwrap import BwrapSandbox
from graders.sandbox.hostuser import (
    DEFAULT_UID,
    PRLIMIT,
    HostUser,
    Staging,
    hand_over,
    host_user,
    open_tree,
    refusal,
)


def test_only_a_root_grader_changes_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1234)
    assert host_user(DEFAULT_UID) is None  # not root: bwrap already runs unprivileged
    assert BwrapSandbox().host_user() is None and BwrapSandbox().reductions() == ()
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert host_user(0) is None
    user = host_user(DEFAULT_UID)
    assert user is not None and user.uid == DEFAULT_UID
    assert MMLGrader().sandbox_uid == DEFAULT_UID


def test_uid_0_is_kept_but_flagged(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    sandbox = BwrapSandbox(host_uid=0)
    assert sandbox.host_user() is None
    assert sandbox.reductions() == ("the sandbox ran as the host's root "
                                    "(c.MMLGrader.sandbox_uid = 0)",)


def test_without_prlimit_the_sandbox_stays_root_and_says_so(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    monkeypatch.setattr("graders.sandbox.bwrap.prlimit_available", lambda: False)
    sandbox = BwrapSandbox()
    assert sandbox.host_user() is None
    (flag,) = sandbox.reductions()
    assert "not as uid 65534 (prlimit (util-linux) is missing" in flag
    assert "c.MMLGrader.sandbox_uid" in flag  # the fix is named


def test_the_command_binds_staged_sources_and_limits_processes_inside(tmp_path: Path) -> None:
    """As the host user, bwrap binds each host folder through its staging folder (the host's
    own paths may be out of that uid's reach), and prlimit sets the process limit inside."""
    job = Job(tmp_path / "job", tmp_path / "out", tmp_path / "work", Limits(max_processes=9))
    stage = Staging(HostUser(DEFAULT_UID, DEFAULT_UID), tmp_path / "stage")
    stage.top.mkdir()
    cmd = BwrapSandbox().command(job, stage)
    sources = dict(stage.binds)
    assert set(sources) >= {str(job.job_dir), str(job.out_dir), os.path.realpath(sys.prefix)}
    staged = {folder for _, folder in stage.binds}
    for folder in staged:
        assert Path(folder).is_dir() and stat.S_IMODE(Path(folder).stat().st_mode) == 0o755
    bound = [cmd[i + 1] for i, arg in enumerate(cmd) if arg in ("--ro-bind", "--bind")]
    system = ("/usr", "/bin", "/sbin", "/lib", "/etc/")  # world-readable: bound as they are
    assert all(b in staged or b.startswith(system) for b in bound), bound
    assert cmd[cmd.index(sources[str(job.job_dir)]) + 1] == "/job"
    at = cmd.index(PRLIMIT)
    assert cmd[at:at + 4] == [PRLIMIT, "--nproc=9:9", "--", BwrapSandbox().python]
    assert PRLIMIT not in BwrapSandbox().command(job)  # as the grader's own uid: as before


def test_hand_over_opens_the_job_and_gives_the_outbox(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    job, out = tmp_path / "job", tmp_path / "out"
    (job / "sub").mkdir(parents=True)
    out.mkdir()
    (job / "sub" / "plan.json").write_text("{}")
    (job / "sub" / "plan.json").chmod(0o600)
    job.chmod(0o700)
    owners: list[tuple[str, int, int]] = []
    monkeypatch.setattr(hostuser.os, "chown",
                        lambda path, uid, gid, **_: owners.append((str(path), uid, gid)))
    hand_over(job, out, HostUser(4321, 4322))
    assert stat.S_IMODE(job.stat().st_mode) == 0o755
    assert stat.S_IMODE((job / "sub" / "plan.json").stat().st_mode) == 0o644
    assert owners == [(str(out), 4321, 4322)] and stat.S_IMODE(out.stat().st_mode) == 0o700


def test_open_tree_leaves_links_and_what_they_point_to_alone(tmp_path: Path) -> None:
    outside, job = tmp_path / "secret", tmp_path / "job"
    (outside / "dir").mkdir(parents=True)
    (outside / "key").write_text("x")
    (outside / "key").chmod(0o600)
    (outside / "dir").chmod(0o700)
    (job / "sub").mkdir(parents=True)
    (job / "sub" / "plan.json").write_text("{}")
    (job / "sub" / "plan.json").chmod(0o600)
    (job / "sub" / "key").symlink_to(outside / "key")
    (job / "dir").symlink_to(outside / "dir")
    open_tree(job)
    assert stat.S_IMODE((job / "sub" / "plan.json").stat().st_mode) == 0o644
    assert stat.S_IMODE((outside / "key").stat().st_mode) == 0o600
    assert stat.S_IMODE((outside / "dir").stat().st_mode) == 0o700


def test_a_host_side_reduction_becomes_the_results_flag(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    plan = tiny_plan(tmp_path, monkeypatch)
    recording = record(tmp_path / "recorded", calls={c.key: expected(c) for c in plan.calls})
    why = refusal(DEFAULT_UID, "bwrap failed as that uid")

    class Refused(FakeSandbox):
        def run(self, job: Job) -> SandboxRun:
            return dataclasses.replace(super().run(job), reductions=(why,))

    ex = execute(plan, Refused(recording), Limits(wall_seconds=5), cell_timeout=5.0,
                 output_cap=1000)
    assert ex.flags == [f"{REDUCED_ISOLATION}: {why}"]
    assert why.startswith("the sandbox ran as the host's root, not as uid 65534")
