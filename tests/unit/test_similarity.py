"""graders.similarity: normalisation, winnowing, the class-relative rule, the page's escaping."""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from solve_answers import CRAMER, DISGUISED, ELIMINATION, HONEST, JACOBI, NORMAL, ONE_LINE, QR, STUB

from graders.checks import Case, CheckSpec
from graders.errors import Mismatch
from graders.similarity.answers import AnswerCell, ClassAnswers
from graders.similarity.crossvariant import CrossMatch, cross_variant, variant_value_checks
from graders.similarity.detect import MIN_TOKENS, flag_cell
from graders.similarity.fingerprint import compare, fingerprint, kgram_hashes
from graders.similarity.normalise import normalise
from graders.similarity.page import highlighted, render_page
from graders.similarity.report import matched_names, report_of
from graders.similarity.values import (
    FILE_NAME,
    MAX_NUMBERS,
    plain_value,
    read_values,
    write_values,
)
from graders.variants import DEFAULT_STUDENT, parameters_for


def overlap(a: str, b: str, stub: str = STUB) -> float:
    boiler = kgram_hashes(normalise(stub))
    return compare(fingerprint(normalise(a), boiler), fingerprint(normalise(b), boiler)).score


def texts(tokens: list) -> list[str]:
    return [t.text for t in tokens]


def test_names_comments_docstrings_and_formatting_are_ignored() -> None:
    a = 'def f(x, y):\n    """Doc."""\n    total = x + y  # add\n    return total * 2.0\n'
    b = "def g(p,q):\n    s=p+q\n\n    return s*\\\n            2.\n"
    assert texts(normalise(a)) == texts(normalise(b))
    assert "Doc." not in " ".join(texts(normalise(a)))


def test_library_names_and_attributes_are_kept() -> None:
    assert texts(normalise("y = np.linalg.solve(A, b)")) == [
        "_", "=", "_", ".", "linalg", ".", "solve", "(", "_", ",", "_", ")", ";"]
    assert texts(normalise("n = len(x)"))[2] == "len"


def test_renamed_reformatted_copy_still_matches() -> None:
    assert overlap(ELIMINATION, DISGUISED) > 0.9


def test_different_algorithms_do_not_match() -> None:
    others = [QR, CRAMER, JACOBI, NORMAL]
    for other in others:
        assert overlap(ELIMINATION, other) < 0.4, other
    for i, a in enumerate(others):
        for b in others[i + 1:]:
            assert overlap(a, b) < 0.4, (a, b)


def test_cell_that_does_not_tokenize_is_compared_as_text() -> None:
    broken = 'def solve(A, b:\n    return """unterminated\n'
    tokens = normalise(broken)
    assert texts(tokens)[:4] == ["def", "solve", "(", "a"]  # words, lower-cased
    assert all(broken[t.start:t.end].lower() == t.text for t in tokens)


def test_spans_point_into_the_original_text() -> None:
    source = "x = 1  # one\nif x:\n    y = 'a'\n"
    for t in normalise(source):
        if t.text not in {";", "{", "}"}:
            assert source[t.start:t.end] in {"x", "=", "1", "if", ":", "y", "'a'"}


def test_the_stub_counts_for_nothing() -> None:
    boiler = kgram_hashes(normalise(STUB))
    assert fingerprint(normalise(STUB), boiler).coverage == 0
    assert fingerprint(normalise(ONE_LINE), boiler).coverage < MIN_TOKENS


def test_fingerprints_are_the_same_in_every_run() -> None:
    # BLAKE2b of the k-gram's texts, not Python's per-process salted hash().
    kgram = "\x1f".join(["_", "=", "_", "+", "_", ";"]).encode()
    expected = int.from_bytes(hashlib.blake2b(kgram, digest_size=8).digest(), "big")
    assert kgram_hashes(normalise("total = a + b"), k=6) == [expected]


def class_of(answers: dict[str, str]) -> tuple[AnswerCell, ClassAnswers]:
    cell = AnswerCell("tiny", "q_solve", True, STUB)
    return cell, ClassAnswers([cell], {cell.key: answers})



def test_rule_flags_exactly_the_copied_pair() -> None:
    cell, answers = class_of({**HONEST, "s6": DISGUISED})
    stats, pairs = flag_cell(cell, answers)
    assert [(p.student_a, p.student_b) for p in pairs] == [("s1", "s6")]
    assert stats.telling == 6 and stats.threshold is not None
    assert pairs[0].score >= stats.threshold


def test_honest_class_flags_nothing() -> None:
    _, pairs = flag_cell(*class_of(HONEST))
    assert pairs == []


def test_everyone_writing_the_same_is_not_flagged() -> None:
    # One-liners are too short to tell; a longer answer all share sets the class median.
    stats, pairs = flag_cell(*class_of({f"s{i}": ONE_LINE for i in range(8)}))
    assert pairs == [] and stats.telling == 0 and stats.threshold is None
    stats, pairs = flag_cell(*class_of({f"s{i}": QR for i in range(8)}))
    assert pairs == [] and stats.median == 1.0


def test_too_few_answers_are_not_compared() -> None:
    stats, pairs = flag_cell(*class_of({"s1": ELIMINATION, "s2": DISGUISED, "s3": QR}))
    assert pairs == [] and stats.threshold is None


def test_page_escapes_student_text_and_highlights() -> None:
    hostile = DISGUISED.replace("# size of the system", "# </pre><script>alert(1)</script>")
    _, answers = class_of({**HONEST, "s6": hostile, "<img src=x>": CRAMER})
    page = render_page(report_of("tiny", answers))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "&lt;img src=x&gt;" in page
    assert "<mark>" in page and "not a verdict" in page
    assert highlighted("a<b", ((1, 2),)) == "a<mark>&lt;</mark>b"


def test_json_form_is_versioned_and_holds_no_answer_text() -> None:
    report = report_of("tiny", class_of({**HONEST, "s6": DISGUISED})[1])
    data = json.loads(json.dumps(report.to_dict()))
    assert data["schema_version"] == 2 and len(data["pairs"]) == 1
    assert data["cross_variant"] == []
    assert "Gaussian" not in json.dumps(data)


def doubled_value_check() -> CheckSpec:
    """A per-student value question: give 2·a for your own a (not registered)."""
    def judge(case: Case, output: Any) -> None:
        if not isinstance(output, int | float) or abs(output - 2 * case.context["a"]) > 1e-9:
            raise Mismatch("answer_x is not 2a")

    def variant_cases(rng: np.random.Generator, params: Mapping[str, Any]) -> list[Case]:
        return [Case("your a", (), context={"a": params["a"]})]

    def parameters(rng: np.random.Generator) -> dict[str, Any]:
        return {"a": float(rng.uniform(1, 100))}

    return CheckSpec(id="calculus.x_doubled", unit="calculus", function="answer_x",
                     cases=lambda rng: variant_cases(rng, parameters(rng)), judge=judge,
                     answer="value", parameters=parameters, variant_cases=variant_cases)


def test_answer_right_for_another_variant_is_flagged() -> None:
    spec, seed = doubled_value_check(), 7
    own = {s: 2 * parameters_for(spec, seed, "exam", s)["a"] for s in ("s1", "s2", "s3", "s4")}
    assert len(set(own.values())) == 4  # four different variants
    values = {"s1": {spec.id: own["s1"]},          # right for their own
              "s2": {spec.id: own["s1"]},          # s1's result, copied
              "s3": {spec.id: own["s3"] + 1.0},    # wrong, and nobody's
              "s4": {spec.id: own["s4"]}}
    assert cross_variant([spec], seed, "exam", values) == [
        CrossMatch("s2", spec.id, ("s1",))]


def test_the_shared_release_is_a_variant_too() -> None:
    """Students on no roster are judged on the shared variant; a rostered student handing
    in the shared release's result is listed as matching it."""
    spec, seed = doubled_value_check(), 7
    shared = 2 * parameters_for(spec, seed, "exam", DEFAULT_STUDENT)["a"]
    values = {"s1": {spec.id: shared}, "s2": {spec.id: shared}, "off": {spec.id: shared}}
    assert cross_variant([spec], seed, "exam", values, released={"s1", "s2"}) == [
        CrossMatch(s, spec.id, (DEFAULT_STUDENT,)) for s in ("s1", "s2")]
    assert matched_names(CrossMatch("s1", spec.id, ("s2", DEFAULT_STUDENT))) == \
        "s2, the shared release"


def test_kept_values_are_plain_bounded_numbers(tmp_path: Path) -> None:
    assert plain_value(np.float64(0.5)) == 0.5 and plain_value(np.asarray(2.0)) == 2.0
    assert plain_value(np.eye(2)) == [[1.0, 0.0], [0.0, 1.0]]
    assert plain_value([1, [2, 3.5]]) == [1, [2, 3.5]]
    for refused in ("0.5", 1j, np.array(["a"]), [0.5, "x"], float("nan"), object(),
                    np.zeros(MAX_NUMBERS + 1), [[0.0] * 3000] * 2, [[[[[1.0]]]]]):
        assert plain_value(refused) is None, refused
    path = write_values(tmp_path / "s1" / "exam" / FILE_NAME, {"a.b": [1.0, 2.0]})
    assert read_values(path) == {"a.b": [1.0, 2.0]}
    path.write_text("not json")
    assert read_values(path) == {}


def test_checks_without_variants_are_not_cross_checked() -> None:
    spec = dataclasses.replace(doubled_value_check(), answer="function")
    assert variant_value_checks([spec]) == []


def test_kept_values_count_empty_lists_and_empty_dimensions() -> None:
    """An empty array of shape (3000, 3000, 0) passes the decoder (no byte of data) but its
    ``tolist()`` is 9 million lists: refused before it is built, like a list of empties."""
    assert plain_value(np.empty((3000, 3000, 0))) is None
    assert plain_value(np.empty((100, 100, 0))) is None
    assert plain_value([[]] * (MAX_NUMBERS + 1)) is None
    assert plain_value(np.empty((2, 0))) == [[], []]


def test_hostile_kept_values_never_stop_the_cross_variant_check() -> None:
    """Whatever a values file holds (it is read back from disk), each odd value is a fail."""
    from graders.checks import get_check

    spec = get_check("geometry.exam_projection_value")
    odd: list[Any] = [float("nan"), float("inf"), -0.0, "x", None, [[1e308] * 4] * 4,
                      [[[[0.0]]]], [[0.0] * 4096], {"a": 1}, [[True] * 4] * 4, 2**80]
    values = {f"s{i}": {spec.id: v} for i, v in enumerate(odd)}
    assert cross_variant([spec], 7, "exam", values) == []
