"""Winnowing fingerprints of normalised answers, and the overlap of two of them.

This is the winnowing of Schleimer, Wilkerson and Aiken ("Winnowing: local algorithms for
document fingerprinting", SIGMOD 2003), the algorithm of MOSS, over *tokens* rather than
characters: every run of ``k`` consecutive normalised tokens is hashed, and in each window of
``w`` consecutive hashes the rightmost smallest is kept. Two answers that share a run of at
least ``k + w - 1`` tokens (the guarantee threshold) share a kept fingerprint; runs shorter
than ``k`` tokens are never matched (the noise threshold: common idioms such as
``for _ in range(_):``). The stub's k-grams are discarded from every answer, so the code the
instructor released (a ``def`` line, a docstring's neighbours) never counts as shared.

Why not a library. Both libraries on PyPI were evaluated. compare50 1.2 pins
``attrs<21``, while nbformat's jsonschema needs ``attrs>=22.2``: it cannot be installed
beside nbgrader. copydetect 0.5.0 (its last release, March 2024) installs, but (1) it
hashes k-grams with Python's built-in ``hash``, which is salted per process, so its winnowed
selection and its similarity scores change from one run to the next (measured: 0.638,
0.628, 0.639 for one pair over three runs), and a report a TA reruns must not change;
(2) its boilerplate removal calls ``numpy.intersect1d(..., assume_unique=True)`` on a hash
list that holds duplicates, so a k-gram a student repeats is dropped as if it were
boilerplate; (3) it renames every name to ``V`` on Pygments' tokens of characters and reads
files, so it would reimplement our tokenisation and span mapping around the 30 lines we
would use. The algorithm itself is short, so it is written here with a stable hash
(BLAKE2b), which makes every run and every machine agree.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from graders.similarity.normalise import Token

__all__ = ["Fingerprint", "K", "Overlap", "W", "compare", "fingerprint", "kgram_hashes"]

K = 6  # noise threshold, in normalised tokens: shorter shared runs are never matched
W = 4  # winnowing window: every shared run of K + W - 1 = 9 tokens or more is matched


@dataclass(frozen=True)
class Fingerprint:
    """The kept fingerprints of one answer.

    Attributes:
        tokens: the answer's normalised tokens (with their spans in the original cell).
        positions: each kept hash -> the token positions where its k-gram starts.
        coverage: how many tokens the kept k-grams cover: the answer's length as compared,
            after the stub's code is discarded ("telling" tokens).
        k: the k-gram length the hashes were made with.
    """

    tokens: tuple[Token, ...]
    positions: dict[int, tuple[int, ...]]
    coverage: int
    k: int


@dataclass(frozen=True)
class Overlap:
    """What two answers share.

    Attributes:
        score: tokens covered by shared fingerprints in both answers, over the two answers'
            coverage (0: nothing shared; 1: every telling token of both is in a shared run).
        spans_a: character spans of the first answer's shared runs, in its original text.
        spans_b: the same for the second answer.
    """

    score: float
    spans_a: tuple[tuple[int, int], ...]
    spans_b: tuple[tuple[int, int], ...]


def kgram_hashes(tokens: Sequence[Token], k: int = K) -> list[int]:
    """A stable 64-bit hash of every run of ``k`` consecutive token texts."""
    texts = [t.text for t in tokens]
    return [int.from_bytes(hashlib.blake2b("\x1f".join(texts[i:i + k]).encode(),
                                           digest_size=8).digest(), "big")
            for i in range(len(texts) - k + 1)]


def _winnow(hashes: Sequence[int], w: int) -> list[int]:
    """Positions kept by robust winnowing: each window's rightmost minimum, once."""
    if not hashes:
        return []
    kept: list[int] = []
    for start in range(max(1, len(hashes) - w + 1)):
        window = hashes[start:start + w]
        low = min(window)
        pos = start + max(i for i, h in enumerate(window) if h == low)
        if not kept or kept[-1] != pos:
            kept.append(pos)
    return kept


def _covered(starts: Iterable[int], k: int) -> set[int]:
    """Token positions covered by k-grams starting at ``starts``."""
    return {p for s in starts for p in range(s, s + k)}


def fingerprint(tokens: Sequence[Token], boilerplate: Iterable[int] = (), *, k: int = K,
                w: int = W) -> Fingerprint:
    """Winnow ``tokens``' k-gram hashes, less any hash in ``boilerplate`` (the stub's)."""
    hashes = kgram_hashes(tokens, k)
    skip = set(boilerplate)
    positions: dict[int, list[int]] = {}
    for pos in _winnow(hashes, w):
        if hashes[pos] not in skip:
            positions.setdefault(hashes[pos], []).append(pos)
    coverage = len(_covered((p for ps in positions.values() for p in ps), k))
    return Fingerprint(tuple(tokens), {h: tuple(ps) for h, ps in positions.items()},
                       coverage, k)


def _spans(fp: Fingerprint, covered: set[int]) -> tuple[tuple[int, int], ...]:
    """Character spans of runs of consecutive covered token positions."""
    spans: list[tuple[int, int]] = []
    for pos in sorted(covered):
        token = fp.tokens[pos]
        if spans and pos - 1 in covered:
            spans[-1] = (spans[-1][0], token.end)
        else:
            spans.append((token.start, token.end))
    return tuple(spans)


def compare(a: Fingerprint, b: Fingerprint) -> Overlap:
    """How much of ``a`` and ``b`` lies in runs they share (see :class:`Overlap`)."""
    if a.k != b.k:
        raise ValueError(f"fingerprints of different k-gram lengths ({a.k}, {b.k})")
    shared = a.positions.keys() & b.positions.keys()
    cov_a = _covered((p for h in shared for p in a.positions[h]), a.k)
    cov_b = _covered((p for h in shared for p in b.positions[h]), b.k)
    total = a.coverage + b.coverage
    score = (len(cov_a) + len(cov_b)) / total if total else 0.0
    return Overlap(score, _spans(a, cov_a), _spans(b, cov_b))
