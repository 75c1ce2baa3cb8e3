"""A snapshot's private pid namespace costs one fork: the runner is the executor's own child.

``runtime.isolation.fork_private`` forks the snapshot from a short-lived thread whose
children (only) go to a new pid namespace, so the executor reaps the runner itself and
reads its exit status directly, and the executor's own forks and threads are untouched.
Each case runs in a fresh interpreter (the runtime's modules, as the sandbox imports them),
where the kernel allows a new pid namespace only to a process with CAP_SYS_ADMIN in its
user namespace: the grader's own root, or the sandbox job's user namespace.
"""

from __future__ import annotations

import os

import pytest
from fresh import run_fresh

_PREAMBLE = (
    "import os, signal, sys, threading\n"
    "from runtime.isolation import fork_private, kill_private\n"
    "r, w = os.pipe()\n"
    "def body():\n"
    "    os.write(w, f'{os.getpid()} {os.getppid()}'.encode())\n"
    "    os._exit(7)\n"
)


def _run(code: str) -> list[str]:
    return run_fresh(_PREAMBLE + code, runtime=True).split()


@pytest.mark.skipif(os.geteuid() != 0, reason="a new pid namespace needs CAP_SYS_ADMIN")
def test_the_runner_is_pid_1_of_its_namespace_and_the_executor_s_own_child() -> None:
    out = _run(
        "go_r, go_w = os.pipe()\n"
        "def held():\n"
        "    os.read(go_r, 1)\n"
        "    body()\n"
        "pid = fork_private(held)\n"
        "nspid = [l for l in open(f'/proc/{pid}/status') if l.startswith('NSpid:')][0]\n"
        "print(nspid.split()[1:] == [str(pid), '1'])\n"  # the runner itself, no relay
        "os.write(go_w, b'x')\n"
        "_, status = os.waitpid(pid, 0)\n"
        "print(os.waitstatus_to_exitcode(status), os.read(r, 100).decode())\n"
        "print(len(threading.enumerate()) <= 2)\n"  # the holder ends with its runner
        "child = os.fork()\n"  # the executor's own forks stay in its namespace
        "if child == 0:\n"
        "    os._exit(0 if os.getpid() != 1 and os.getppid() > 1 else 1)\n"
        "print(os.waitstatus_to_exitcode(os.waitpid(child, 0)[1]))\n"
        "t = threading.Thread(target=lambda: None); t.start(); t.join()\n"  # and threads
        "print('threads')\n")
    assert out == ["True", "7", "1", "0", "True", "0", "threads"]


def test_without_a_private_namespace_the_child_leads_its_own_process_group() -> None:
    out = _run(
        "pid = fork_private(body, private=False)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "inner_pid, inner_ppid = os.read(r, 100).decode().split()\n"
        "print(os.waitstatus_to_exitcode(status), inner_pid == str(pid),\n"
        "      inner_ppid == str(os.getpid()))\n")
    assert out == ["7", "True", "True"]


@pytest.mark.skipif(os.geteuid() != 0, reason="a new pid namespace needs CAP_SYS_ADMIN")
def test_killing_a_runner_kills_what_it_started() -> None:
    out = _run(
        "def stuck():\n"
        "    if os.fork() == 0:\n"  # a grandchild, in the runner's namespace
        "        os.write(w, str(os.getpid()).encode()); signal.pause()\n"
        "    signal.pause()\n"
        "pid = fork_private(stuck)\n"
        "os.read(r, 100)\n"
        "kill_private(pid)\n"
        "_, status = os.waitpid(pid, 0)\n"
        "print(os.WIFSIGNALED(status))\n"
        "import time\n"
        "for _ in range(500):\n"  # the kernel ends the namespace with its init
        "    left = [p for p in os.listdir('/proc') if p.isdigit()\n"
        "            and open(f'/proc/{p}/status').read().count(f'PPid:\\t{pid}\\n')]\n"
        "    if not left: break\n"
        "    time.sleep(0.01)\n"
        "print(left == [])\n")
    assert out == ["True", "True"]


def test_dumpable_undoes_not_dumpable_and_die_with_parent_sets_the_parent_death_signal() -> None:
    # PR_GET_DUMPABLE is 3 and PR_GET_PDEATHSIG is 2 (linux/prctl.h); signal 9 is SIGKILL.
    out = _run(
        "import ctypes\n"
        "from runtime.isolation import die_with_parent, dumpable, not_dumpable\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "sig = ctypes.c_int(-1)\n"
        "not_dumpable(); print(libc.prctl(3, 0, 0, 0, 0))\n"
        "dumpable(); print(libc.prctl(3, 0, 0, 0, 0))\n"
        "die_with_parent(); libc.prctl(2, ctypes.byref(sig), 0, 0, 0); print(sig.value)\n")
    assert out == ["0", "1", "9"]
