"""The seccomp filter: system calls a notebook never needs fail before student code runs.

The executor installs it (:func:`install`) in each job's process once the job's own
namespaces are set up (:func:`runtime.isolation.enter_job`), before the first cell; every
cell, every snapshot and every process they start inherit it, in the warm and the
one-shot sandbox and in a container alike. It is a classic BPF program built here in
pure Python (no libseccomp), for the two architectures the grader runs on, x86_64 and
aarch64; a call from any other ABI (i386 through ``int 0x80``, x32) fails with EPERM.

What it refuses, with EPERM unless said otherwise:

- the kernel key rings (``keyctl``, ``add_key``, ``request_key``): a key would outlive
  the job and count against the quota of the host user the sandbox maps to;
- System V IPC (``shm*``, ``sem*``, ``msg*``): segments outlive the process that made
  them (each job also has its own IPC namespace);
- kernel attack surface a notebook has no use for: ``bpf``, ``perf_event_open``,
  ``io_uring_*``, ``userfaultfd``, modules, ``kexec``, ``swapon``, ``reboot``, ``syslog``,
  ``acct``, quotas, clocks, host names, file handles, ``fanotify``;
- reaching into other processes: ``ptrace``, ``process_vm_*``, ``kcmp``, ``pidfd_getfd``,
  ``process_madvise``;
- mounts and namespaces: ``mount`` and the new mount API, ``pivot_root``, ``chroot``,
  ``setns``; ``unshare`` and ``clone`` with any ``CLONE_NEW*`` flag, except
  ``unshare(CLONE_NEWPID)`` alone, which the executor itself makes for each snapshot
  (:func:`runtime.isolation.fork_private`) and which needs a capability that only a job
  owning its user namespace holds; ``clone3`` fails with ENOSYS (its flags are in memory,
  out of the filter's reach), so that the C library falls back to ``clone``;
- ``personality`` but its query and ``PER_LINUX`` (no turning address randomisation off).

Threads (``clone`` with ``CLONE_THREAD``), ``fork``, ``multiprocessing``, POSIX shared
memory in ``/dev/shm``, numpy, scipy, matplotlib and IPython are untouched.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import struct

__all__ = ["DENIED", "install", "program"]

AUDIT_ARCH_X86_64 = 0xC000003E
AUDIT_ARCH_AARCH64 = 0xC00000B7
#: Set in the number of an x32 call (an x86_64 process's other ABI): refused.
X32_SYSCALL_BIT = 0x40000000

CLONE_NEWTIME = 0x00000080
CLONE_NEWNS = 0x00020000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
#: Every namespace flag of ``clone`` (whose low byte is the exit signal, not NEWTIME).
CLONE_NAMESPACES = (CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC
                    | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET)
#: Every namespace flag of ``unshare``.
UNSHARE_NAMESPACES = CLONE_NAMESPACES | CLONE_NEWTIME
PERSONALITY_QUERY = 0xFFFFFFFF

#: System call numbers: name -> (x86_64, aarch64); None where the architecture lacks it.
SYSCALLS: dict[str, tuple[int | None, int | None]] = {
    "keyctl": (250, 219), "add_key": (248, 217), "request_key": (249, 218),
    "shmget": (29, 194), "shmat": (30, 196), "shmctl": (31, 195), "shmdt": (67, 197),
    "semget": (64, 190), "semop": (65, 193), "semctl": (66, 191), "semtimedop": (220, 192),
    "msgget": (68, 186), "msgsnd": (69, 189), "msgrcv": (70, 188), "msgctl": (71, 187),
    "bpf": (321, 280), "perf_event_open": (298, 241), "userfaultfd": (323, 282),
    "io_uring_setup": (425, 425), "io_uring_enter": (426, 426),
    "io_uring_register": (427, 427),
    "ptrace": (101, 117), "process_vm_readv": (310, 270), "process_vm_writev": (311, 271),
    "kcmp": (312, 272), "pidfd_getfd": (438, 438), "process_madvise": (440, 440),
    "kexec_load": (246, 104), "kexec_file_load": (320, 294), "init_module": (175, 105),
    "finit_module": (313, 273), "delete_module": (176, 106),
    "mount": (165, 40), "umount2": (166, 39), "pivot_root": (155, 41), "chroot": (161, 51),
    "open_tree": (428, 428), "move_mount": (429, 429), "fsopen": (430, 430),
    "fsconfig": (431, 431), "fsmount": (432, 432), "fspick": (433, 433),
    "mount_setattr": (442, 442), "open_tree_attr": (467, 467), "setns": (308, 268),
    "acct": (163, 89), "swapon": (167, 224), "swapoff": (168, 225), "reboot": (169, 142),
    "syslog": (103, 116), "quotactl": (179, 60), "quotactl_fd": (443, 443),
    "vhangup": (153, 58), "settimeofday": (164, 170), "clock_settime": (227, 112),
    "clock_adjtime": (305, 266), "sethostname": (170, 161), "setdomainname": (171, 162),
    "open_by_handle_at": (304, 265), "fanotify_init": (300, 262),
    "lookup_dcookie": (212, 18), "iopl": (172, None), "ioperm": (173, None),
    "modify_ldt": (154, None), "uselib": (134, None), "_sysctl": (156, None),
    "clone": (56, 220), "clone3": (435, 435), "unshare": (272, 97),
    "personality": (135, 92), "seccomp": (317, 277),
}

#: The calls refused outright (EPERM); clone, clone3, unshare, personality have rules.
DENIED = tuple(name for name in SYSCALLS
               if name not in ("clone", "clone3", "unshare", "personality", "seccomp"))

# Classic BPF (linux/filter.h, linux/seccomp.h).
_LD_W_ABS, _ALU_AND_K, _RET_K = 0x20, 0x54, 0x06
_JA, _JEQ_K, _JGE_K, _JSET_K = 0x05, 0x15, 0x35, 0x45
RET_ALLOW = 0x7FFF0000
_RET_ERRNO = 0x00050000
_NR, _ARCH, _ARG0 = 0, 4, 16  # offsets in struct seccomp_data (arg0's low half: little-endian)

Insn = tuple[int, int, int, int]


def _ret(value: int) -> Insn:
    return (_RET_K, 0, 0, value)


def _fail(code: int) -> Insn:
    return _ret(_RET_ERRNO | code)


def _jeq(k: int, jt: int, jf: int) -> Insn:
    return (_JEQ_K, jt, jf, k)


def _namespace_rules(table: int) -> list[Insn]:
    """clone, clone3, unshare and personality, then allow; A holds the call's number."""
    nr = {name: numbers[table] for name, numbers in SYSCALLS.items()}
    return [
        _jeq(nr["clone3"] or 0, 0, 1), _fail(errno.ENOSYS),
        _jeq(nr["clone"] or 0, 0, 4), (_LD_W_ABS, 0, 0, _ARG0),
        (_JSET_K, 0, 1, CLONE_NAMESPACES), _fail(errno.EPERM), _ret(RET_ALLOW),
        _jeq(nr["personality"] or 0, 0, 5), (_LD_W_ABS, 0, 0, _ARG0),
        _jeq(0, 2, 0), _jeq(PERSONALITY_QUERY, 1, 0), _fail(errno.EPERM), _ret(RET_ALLOW),
        _jeq(nr["unshare"] or 0, 0, 5), (_LD_W_ABS, 0, 0, _ARG0),
        (_ALU_AND_K, 0, 0, UNSHARE_NAMESPACES), _jeq(0, 2, 0), _jeq(CLONE_NEWPID, 1, 0),
        _fail(errno.EPERM),
        _ret(RET_ALLOW),
    ]


def _arch_block(table: int) -> list[Insn]:
    """The rules of one architecture (``table``: 0 for x86_64, 1 for aarch64)."""
    block: list[Insn] = [(_LD_W_ABS, 0, 0, _NR)]
    if table == 0:
        block += [(_JGE_K, 0, 1, X32_SYSCALL_BIT), _fail(errno.EPERM)]
    for name in DENIED:
        number = SYSCALLS[name][table]
        if number is not None:
            block += [_jeq(number, 0, 1), _fail(errno.EPERM)]
    return block + _namespace_rules(table)


def program() -> list[Insn]:
    """The whole filter: dispatch on the architecture, then that architecture's rules."""
    x86, arm = _arch_block(0), _arch_block(1)
    head: list[Insn] = [
        (_LD_W_ABS, 0, 0, _ARCH),
        _jeq(AUDIT_ARCH_X86_64, 3, 0),  # to the x86_64 block, right after the head
        _jeq(AUDIT_ARCH_AARCH64, 1, 0), _fail(errno.EPERM),
        (_JA, 0, 0, len(x86)),  # over the x86_64 block, to the aarch64 one
    ]
    return head + x86 + arm


class _Fprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


PR_SET_NO_NEW_PRIVS = 38
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_TSYNC = 1
_libc = ctypes.CDLL(None, use_errno=True)


def install() -> bool:
    """Install :func:`program` on every thread of this process; False if the kernel refused.

    ``no_new_privs`` is set first (the kernel requires it of a process without
    CAP_SYS_ADMIN; it also means no exec can gain privileges). Irreversible: the filter
    binds this process and everything it starts from now on.
    """
    insns = program()
    code = b"".join(struct.pack("=HBBI", *insn) for insn in insns)
    buffer = ctypes.create_string_buffer(code, len(code))
    prog = _Fprog(len(insns), ctypes.cast(buffer, ctypes.c_void_p).value)
    table = 1 if platform.machine() in ("aarch64", "arm64") else 0
    number = SYSCALLS["seccomp"][table]
    if _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        return False
    result = _libc.syscall(number, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC,
                           ctypes.byref(prog))
    return bool(result == 0)
