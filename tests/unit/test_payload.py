"""The judge's decoder: plain values back, and never more memory than the result budget."""

from __future__ import annotations

import base64
import io
import json
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from graders.payload import PayloadError, ResultBudget, ResultTooLarge, decode, roundtrip
from graders.runtime.encode import INLINE_BYTES, INLINE_TOTAL, MAX_ARRAYS, EncodeError, encode
from graders.runtime.protocol import MAX_CALL_BYTES

MIB = 2**20
SLACK = 256 * 1024  # the decoder's own objects: trees, headers, small arrays


def peak(fn: Callable[[], Any]) -> tuple[int, Any]:
    """The peak bytes Python and numpy allocate while ``fn`` runs, and its value or error."""
    tracemalloc.start()
    try:
        try:
            value: Any = fn()
        except PayloadError as exc:
            value = exc
        return tracemalloc.get_traced_memory()[1], value
    finally:
        tracemalloc.stop()


def test_plain_values_round_trip() -> None:
    value = roundtrip((np.arange(6.0).reshape(2, 3), 2.5, None, "ok", (True, 3)))
    assert value[0].tolist() == [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    assert value[1:] == (2.5, None, "ok", (True, 3))


def test_one_file_named_many_times_is_refused_before_anything_is_loaded(
        tmp_path: Path) -> None:
    """The amplification attack: a 1 MiB record naming one big array 40,000 times."""
    np.save(tmp_path / "big.npy", np.zeros(2 * MIB // 8))
    tree = {"tuple": [{"tuple": [{"array": "big"}] * 64}] * 64}
    used, got = peak(lambda: decode(tree, tmp_path, ResultBudget(64 * MIB, 64 * MIB)))
    assert isinstance(got, PayloadError) and "named twice" in str(got)
    assert used < SLACK


def test_arrays_over_the_call_budget_are_not_loaded(tmp_path: Path) -> None:
    value = tuple(np.full(MIB // 8, float(i)) for i in range(8))  # 8 MiB in 8 files
    tree = encode(value, str(tmp_path), "r")
    budget = ResultBudget(call_bytes=4 * MIB, submission_bytes=64 * MIB)
    used, got = peak(lambda: decode(tree, tmp_path, budget))
    assert isinstance(got, ResultTooLarge)
    assert "8.0 MiB, over the result limit of 4 MiB per call" in str(got)
    assert used < SLACK and budget.spent == 0


def test_decode_never_holds_more_than_the_budget(tmp_path: Path) -> None:
    value = tuple(np.full(MIB // 8, float(i)) for i in range(3))  # 3 MiB
    tree = encode(value, str(tmp_path), "r")
    budget = ResultBudget(call_bytes=4 * MIB, submission_bytes=64 * MIB)
    used, got = peak(lambda: decode(tree, tmp_path, budget))
    assert [a[0] for a in got] == [0.0, 1.0, 2.0]
    assert 3 * MIB <= used < 4 * MIB + SLACK and budget.spent == 3 * MIB


def test_the_submission_budget_is_shared_by_its_calls(tmp_path: Path) -> None:
    tree = encode(np.zeros(MIB // 8), str(tmp_path), "r")
    budget = ResultBudget(call_bytes=4 * MIB, submission_bytes=3 * MIB)
    for _ in range(3):
        decode(tree, tmp_path, budget)
    with pytest.raises(ResultTooLarge, match=r"limit of 3 MiB .*result_submission_mb"):
        decode(tree, tmp_path, budget)
    assert budget.spent == 3 * MIB


def header(shape: tuple[int, ...]) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        buf, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buf.getvalue()


@pytest.mark.parametrize("content", [
    header((10**12,)) + bytes(64),  # a header claiming terabytes: nothing is allocated
    header((8,)) + bytes(63),  # one byte short
    header((8,)) + bytes(65),  # one byte too many
    header((-2, -4)) + bytes(64),
    b"\x93NUMPY\x01\x00" + b"garbage",
])
def test_a_file_that_does_not_hold_what_its_header_says_is_refused(
        tmp_path: Path, content: bytes) -> None:
    (tmp_path / "r.npy").write_bytes(content)
    used, got = peak(lambda: decode({"array": "r"}, tmp_path))
    assert isinstance(got, PayloadError) and not isinstance(got, ResultTooLarge)
    assert used < SLACK


def test_an_array_file_linked_elsewhere_is_not_followed(tmp_path: Path) -> None:
    np.save(tmp_path / "host.npy", np.ones(3))
    (tmp_path / "r.npy").symlink_to(tmp_path / "host.npy")
    with pytest.raises(PayloadError, match=r"missing array file r\.npy"):
        decode({"array": "r"}, tmp_path)


# ---------------------------------------------------------------- arrays inside the record


def test_small_arrays_travel_in_the_record_and_large_ones_in_files(tmp_path: Path) -> None:
    small, large = np.arange(6.0), np.zeros(INLINE_BYTES // 8 + 1)
    tree = encode((small, 2, large), str(tmp_path), "r")
    assert [next(iter(node)) for node in tree["tuple"]] == ["npy", "npy", "array"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r_2.npy"]
    got = decode(tree, tmp_path)
    assert got[0].tolist() == small.tolist() and got[1] == 2 and got[2].shape == large.shape


def test_a_record_carries_at_most_its_inline_room(tmp_path: Path) -> None:
    """64 arrays of 8 KiB: INLINE_TOTAL / (8 KiB + header) of them inline, the rest files;
    the record stays under MAX_CALL_BYTES (base64 is 4/3 of the bytes)."""
    value = tuple(np.full(1024, float(i)) for i in range(64))
    tree = encode(value, str(tmp_path), "r")
    kinds = [next(iter(node)) for node in tree["tuple"]]
    per = 8 * 1024 + 128  # data and the .npy header numpy writes for a 1-d float array
    assert kinds.count("npy") == INLINE_TOTAL // per
    assert len(json.dumps(tree)) < MAX_CALL_BYTES
    assert [a[0] for a in decode(tree, tmp_path)] == [float(i) for i in range(64)]


def test_inline_arrays_are_charged_to_the_budget(tmp_path: Path) -> None:
    tree = encode(np.zeros(1000), str(tmp_path), "r")
    budget = ResultBudget(call_bytes=7999, submission_bytes=64 * MIB)
    with pytest.raises(ResultTooLarge):
        decode(tree, tmp_path, budget)
    assert budget.spent == 0


@pytest.mark.parametrize("body", [
    base64.b64encode(header((10**12,)) + bytes(64)).decode(),  # claims terabytes
    base64.b64encode(header((8,)) + bytes(63)).decode(),  # one byte short
    "not base64!",
    "\u00e9t\u00e9",
])
def test_inline_bytes_that_do_not_hold_what_they_say_are_refused(body: str) -> None:
    used, got = peak(lambda: decode({"npy": body}, Path("/nonexistent")))
    assert isinstance(got, PayloadError) and not isinstance(got, ResultTooLarge)
    assert used < SLACK


def tiny_npy(shape: tuple[int, ...] = ()) -> str:
    """A minimal forged inline node body: a bool array of ``shape`` with no padding."""
    hdr = repr({"descr": "|b1", "fortran_order": False, "shape": shape}).encode()
    data = b"\x01" * int(np.prod(shape, dtype=np.int64))
    return base64.b64encode(b"\x93NUMPY\x01\x00" + len(hdr).to_bytes(2, "little") + hdr
                            + data).decode()


def test_a_record_of_thousands_of_tiny_inline_arrays_is_refused() -> None:
    """A 1 MiB record fits 11,000 forged 59-byte arrays, each header parsed by the judge
    (0.6 s per call measured); the encoder never writes more than MAX_ARRAYS."""
    leaf = {"npy": tiny_npy()}
    square = {"tuple": [{"tuple": [leaf] * 64}] * 64}  # MAX_ARRAYS leaves
    tree = {"tuple": [square, leaf]}
    assert len(json.dumps(tree)) < MAX_CALL_BYTES
    with pytest.raises(PayloadError, match=f"more than {MAX_ARRAYS} arrays"):
        decode(tree, Path("/nonexistent"))
    assert len(decode(square, Path("/nonexistent"))) == 64


def test_the_encoder_keeps_the_array_cap_that_the_decoder_enforces(tmp_path: Path) -> None:
    square = [[float(i * 64 + j) for j in range(64)] for i in range(64)]  # MAX_ARRAYS numbers
    assert roundtrip(square)[63][63] == 4095.0
    with pytest.raises(EncodeError, match=f"more than {MAX_ARRAYS} arrays"):
        encode([square, [1.0]], str(tmp_path), "r")


def test_an_inline_array_larger_than_the_encoder_writes_is_refused() -> None:
    body = base64.b64encode(header((4096,)) + bytes(8 * 4096)).decode()  # 32 KiB, well formed
    with pytest.raises(PayloadError, match=f"over {INLINE_BYTES} bytes"):
        decode({"npy": body}, Path("/nonexistent"))


@pytest.mark.parametrize("shape", [(10**8, 0), (0, 2**40), (4096, 4096, 0)])
def test_an_empty_array_with_a_huge_shape_is_refused(shape: tuple[int, ...],
                                                     tmp_path: Path) -> None:
    """No byte of data, but ``tolist()`` (the kept value answers) would build 10**8 lists."""
    with pytest.raises(PayloadError, match="shape over"):
        decode({"npy": tiny_npy(shape)}, tmp_path)
    np.save(tmp_path / "r.npy", np.empty(shape, dtype=bool))
    with pytest.raises(PayloadError, match="shape over"):
        decode({"array": "r"}, tmp_path)
    with pytest.raises(EncodeError, match="exceeds the cap"):
        encode(np.empty(shape), str(tmp_path), "s")
