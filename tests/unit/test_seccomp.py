"""The seccomp program: well formed, and, installed in a forked child, it refuses and allows
what ``graders/runtime/seccomp.py`` says (the child exits with a code per check)."""

from __future__ import annotations

import ctypes
import errno
import os
import platform
import threading

import pytest

from graders.runtime import seccomp

TABLE = 1 if platform.machine() in ("aarch64", "arm64") else 0


def test_every_jump_lands_inside_the_program_and_every_path_returns() -> None:
    insns = seccomp.program()
    assert 0 < len(insns) < 4096  # BPF_MAXINSNS
    for pc, (code, jt, jf, k) in enumerate(insns):
        if code == 0x05:  # ja
            assert pc + 1 + k < len(insns)
        elif code & 0x07 == 0x05:  # conditional jumps
            assert pc + 1 + max(jt, jf) < len(insns)
    assert insns[-1][0] == 0x06  # the last instruction returns


def _in_filtered_child(check: str) -> int:
    """Run ``check`` (a name below) in a child that installed the filter; its exit code."""
    pid = os.fork()
    if pid == 0:
        try:
            os._exit(0 if seccomp.install() and CHECKS[check]() else 1)
        finally:
            os._exit(2)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])


_libc = ctypes.CDLL(None, use_errno=True)


def _fails(name: str, code: int, *args: object) -> bool:
    number = seccomp.SYSCALLS[name][TABLE]
    return _libc.syscall(number, *args) == -1 and ctypes.get_errno() == code


def _thread_runs() -> bool:
    seen: list[int] = []
    worker = threading.Thread(target=seen.append, args=(1,))
    worker.start()
    worker.join()
    return seen == [1]


def _fork_runs() -> bool:
    pid = os.fork()
    if pid == 0:
        os._exit(7)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 7


CHECKS = {
    "new user namespace": lambda: _fails("unshare", errno.EPERM, seccomp.CLONE_NEWUSER),
    "clone into a new namespace": lambda: _fails("clone", errno.EPERM,
                                                 seccomp.CLONE_NEWNET | 17, 0, 0, 0, 0),
    "clone3": lambda: _fails("clone3", errno.ENOSYS, 0, 0),
    "keyctl": lambda: _fails("keyctl", errno.EPERM, 0, -3, 0),
    "shmget": lambda: _fails("shmget", errno.EPERM, 0, 4096, 0o1600),
    "io_uring_setup": lambda: _fails("io_uring_setup", errno.EPERM, 1, 0),
    "no address randomisation": lambda: _fails("personality", errno.EPERM, 0x0040000),
    "threads": _thread_runs,
    "fork": _fork_runs,
}


@pytest.mark.parametrize("check", sorted(CHECKS))
def test_the_filter_in_a_forked_child(check: str) -> None:
    assert _in_filtered_child(check) == 0
