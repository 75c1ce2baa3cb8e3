"""Per-student exam variants (graders.variants) and the exam hygiene scan, without a sandbox."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from graders.checks import case_rng, get_check, tasks
from graders.errors import ConfigError, Mismatch
from graders.mistakes import family_problems
from graders.nbgrader_io.hygiene import revealing_checks
from graders.variants import (
    DEFAULT_STUDENT,
    assignment_parameters,
    bank_code,
    check_cases,
    format_value,
    parameters_for,
    read_roster,
    render,
    render_code,
    render_notebook,
    render_source,
    variant_key,
    variant_rng,
)

SEED = 20260101
E2 = "geometry.exam_mahalanobis"
E6 = "statistics.exam_pca"
E7, E8, E9 = ("geometry.exam_angle_value", "geometry.exam_projection_value",
              "probability.exam_gauss_nll_formula")


def test_keys_differ_by_every_part_of_the_tuple() -> None:
    base = variant_key(SEED, "exam", E2, "alice")
    assert base == variant_key(SEED, "exam", E2, "alice")
    others = [variant_key(SEED + 1, "exam", E2, "alice"), variant_key(SEED, "exam2", E2, "alice"),
              variant_key(SEED, "exam", E6, "alice"), variant_key(SEED, "exam", E2, "bob"),
              variant_key(SEED, "exam", E2, "alice", "cases")]
    assert len({base, *others}) == 6


def test_streams_are_uncorrelated_across_students_and_questions() -> None:
    # 64 students x 2 questions: 10 000 uniforms each; the sample correlation of two
    # independent streams has standard deviation 1/sqrt(10 000) = 0.01, so |r| < 0.05 is
    # a 5-sigma bound that a shared or shifted stream (|r| near 1) cannot meet.
    draws = [variant_rng(SEED, "exam", check, f"s{i}").random(10_000)
             for i in range(64) for check in (E2, E6)]
    corr = np.corrcoef(np.array(draws))
    off = corr[~np.eye(len(draws), dtype=bool)]
    assert np.max(np.abs(off)) < 0.05


def test_two_students_get_different_parameters_and_the_same_ones_again() -> None:
    for check_id in (E2, E6):
        spec = get_check(check_id)
        alice = parameters_for(spec, SEED, "exam", "alice")
        bob = parameters_for(spec, SEED, "exam", "bob")
        assert alice is not None and bob is not None
        assert format_value(alice) != format_value(bob)
        again = parameters_for(spec, SEED, "exam", "alice")
        assert again is not None and format_value(again) == format_value(alice)


def test_cases_are_the_students_own_and_deterministic() -> None:
    spec = get_check(E2)
    a1, a2 = check_cases(spec, SEED, "exam", "alice"), check_cases(spec, SEED, "exam", "alice")
    b = check_cases(spec, SEED, "exam", "bob")
    assert [c.label for c in a1] == [c.label for c in a2]
    assert all(np.array_equal(x, y) for c, d in zip(a1, a2, strict=True)
               for x, y in zip(c.args, d.args, strict=True))
    params = parameters_for(spec, SEED, "exam", "alice")
    assert params is not None
    assert np.array_equal(a1[-1].args[0], params["e2_X"])  # the example shown to alice
    assert not np.array_equal(a1[0].args[0], b[0].args[0])  # hidden inputs differ too


def test_without_a_student_the_shared_releases_variant_is_graded() -> None:
    """H7's stream mismatch: a student with no personal notebook (and ``mml check``) is
    graded on exactly the values the shared release shows, the default variant's."""
    for check_id in (E2, E7):
        spec = get_check(check_id)
        shared = check_cases(spec, SEED, "exam", None)
        default = check_cases(spec, SEED, "exam", DEFAULT_STUDENT)
        assert [format_value(list(c.args)) + repr(c.label) for c in shared] == \
            [format_value(list(c.args)) + repr(c.label) for c in default]
    shown = assignment_parameters([get_check(E7)], SEED, "exam", None)
    (case,) = check_cases(get_check(E7), SEED, "exam", None)
    assert format_value(case.context["variant"]) == format_value(shown)
    plain = get_check("linear_algebra.exam_qr_solve")
    assert plain.parameters is None
    assert [c.label for c in check_cases(plain, SEED, "exam", "alice")] == \
        [c.label for c in plain.cases(case_rng(SEED, plain.id))]


def test_another_students_results_fail_on_ones_own_example() -> None:
    spec = get_check(E2)
    assert spec.reference is not None
    own = check_cases(spec, SEED, "exam", "alice")[-1]
    other = check_cases(spec, SEED, "exam", "bob")[-1]
    assert spec.judge(own, spec.reference(*own.args)) is None
    with pytest.raises(Mismatch):
        spec.judge(own, spec.reference(*other.args))


@pytest.mark.parametrize("answer_cell", ["e2_mahalanobis", "e6_pca", "e7_angle_value",
                                         "e8_projection_value", "e9_gauss_nll_formula"])
def test_every_variant_family_meets_the_bar(answer_cell: str) -> None:
    task = next(t for t in tasks("exam") if t.answer_cell == answer_cell)
    assert family_problems(task, SEED, "exam", ("alice", "bob", "carol")) == []


def test_render_formats_values_exactly_and_refuses_unknown_names() -> None:
    params = {"n": np.int64(3), "x": 0.1, "A": np.array([[2, 1], [1, 2]]), "h": 2.0}
    assert render("n={{ n }}, x={{x}}, A={{ A }}, h={{ h }}", params) == \
        "n=3, x=0.1, A=[[2, 1], [1, 2]], h=2"
    with pytest.raises(ConfigError, match=r"exam.ipynb, cell q1: template \{\{ nope \}\}"):
        render("{{ nope }}", params, "exam.ipynb, cell q1")
    assert render("{{ __import__('os') }} {{ n.real }}", params) == \
        "{{ __import__('os') }} {{ n.real }}"  # no expressions: left as text


def test_render_notebook_recomputes_nbgrader_checksums() -> None:
    from nbgrader.utils import compute_checksum

    cell = new_markdown_cell("Your n is {{ n }}.", metadata={"nbgrader": {
        "grade": False, "solution": False, "locked": True, "grade_id": "q", "checksum": "x",
        "schema_version": 3}})
    nb = render_notebook(new_notebook(cells=[cell]), {"n": 4}, "exam.ipynb")
    assert nb.cells[0].source == "Your n is 4."
    assert nb.cells[0].metadata.nbgrader.checksum == compute_checksum(nb.cells[0])


def _value_answer(check_id: str, student: str) -> object:
    """A correct value answer for ``student``'s variant (the reference on their data)."""
    from graders.answers import reference_answer

    spec = get_check(check_id)
    (case,) = check_cases(spec, SEED, "exam", student)
    return reference_answer(spec, case)


@pytest.mark.parametrize("check_id", [E7, E8])
def test_a_value_answer_passes_its_own_variant_and_fails_anothers(check_id: str) -> None:
    spec = get_check(check_id)
    (alice,) = check_cases(spec, SEED, "exam", "alice")
    (bob,) = check_cases(spec, SEED, "exam", "bob")
    assert spec.decide(alice, _value_answer(check_id, "alice")).passed
    assert not spec.decide(alice, _value_answer(check_id, "bob")).passed
    assert spec.decide(bob, _value_answer(check_id, "bob")).passed


def test_a_formula_answer_is_judged_on_its_own_students_data() -> None:
    from graders.authoring import run_case

    spec = get_check(E9)
    (alice,) = check_cases(spec, SEED, "exam", "alice")
    assert spec.decide(alice, run_case(_value_answer(E9, "alice"), alice, "formula")).passed
    assert not spec.decide(alice, run_case(_value_answer(E9, "bob"), alice, "formula")).passed


def test_templates_render_in_code_outside_regions_only() -> None:
    params = {"e7_x": np.array([1, -2, 3]), "h": 0.1}
    code = ("x = np.array({{ e7_x }})\nh = {{ h }}\n"
            "### BEGIN SOLUTION\ny = 2 * x\n### END SOLUTION\n")
    out = render_code(code, params, "exam.ipynb, cell e7")
    assert out.startswith("x = np.array([1, -2, 3])\nh = 0.1\n### BEGIN SOLUTION\n")
    ns: dict[str, object] = {"np": np}
    exec(out.split("###")[0], ns)  # exact literals: the same numbers back
    assert np.array_equal(ns["x"], params["e7_x"]) and ns["h"] == 0.1
    for region in ("SOLUTION", "HIDDEN TESTS"):
        bad = f"### BEGIN {region}\nz = {{{{ h }}}}\n### END {region}\n"
        with pytest.raises(ConfigError, match=r"exam.ipynb, cell e7: template in line 2"):
            render_code(bad, params, "exam.ipynb, cell e7")


def test_render_notebook_renders_code_cells_and_their_checksums() -> None:
    from nbgrader.utils import compute_checksum

    locked = new_code_cell("n = {{ n }}\n### BEGIN HIDDEN TESTS\nassert n\n### END HIDDEN TESTS\n",
                           metadata={"nbgrader": {"grade": True, "solution": False, "points": 1,
                                                  "locked": True, "grade_id": "t",
                                                  "checksum": "x", "schema_version": 3}})
    nb = render_notebook(new_notebook(cells=[locked]), {"n": 4}, "exam.ipynb")
    assert nb.cells[0].source.startswith("n = 4\n### BEGIN HIDDEN TESTS")
    assert nb.cells[0].metadata.nbgrader.checksum == compute_checksum(nb.cells[0])


def test_each_students_source_defines_that_students_data() -> None:
    """The source grading compares with is rendered per student, data lines included."""
    from graders.pipeline.source import parse_source

    spec = parse_source(Path(__file__).resolve().parents[2] / "source" / "exam" / "exam.ipynb", "")
    for student in ("alice", "bob", None):
        rendered = render_source(spec, SEED, student)
        (cell,) = (c for c in rendered.cells if c.grade_id == "e7_angle_value")
        params = assignment_parameters([get_check(E7)], SEED, "exam", student)
        assert f"A_e7 = np.array({format_value(params['e7_A'])})" in cell.cell.source
        assert "{{" not in cell.cell.source.split("### BEGIN SOLUTION")[0]


def test_a_planted_answer_sees_the_data_of_the_cases_it_is_judged_on() -> None:
    task = next(t for t in tasks("exam") if t.answer_cell == "e7_angle_value")
    cases = {E7: check_cases(get_check(E7), SEED, "exam", "bob")}
    code = bank_code(task.wrong[0].code, cases)
    bob = assignment_parameters([get_check(E7)], SEED, "exam", "bob")
    assert f"x_e7 = np.array({format_value(bob['e7_x'])})" in code


def test_parameter_names_must_be_unique_across_an_assignment() -> None:
    spec = get_check(E2)
    merged = assignment_parameters([spec, get_check(E6)], SEED, "exam", "alice")
    assert {"e2_X", "e6_X"} <= set(merged)
    twin = type(spec)(**{**spec.__dict__, "id": "geometry.exam_twin"})
    with pytest.raises(ConfigError, match="declared by both"):
        assignment_parameters([spec, twin], SEED, "exam", "alice")


def test_roster_errors_name_the_file(tmp_path: Path) -> None:
    good = tmp_path / "roster.csv"
    good.write_text("student_id,name\nalice,Alice\nbob-2,Bob\n")
    assert read_roster(good) == ["alice", "bob-2"]
    no_col = tmp_path / "nocol.csv"
    no_col.write_text("id,name\nalice,Alice\n")
    with pytest.raises(ConfigError, match=r"nocol\.csv: the roster needs a 'student_id' column"):
        read_roster(no_col)
    unsafe = tmp_path / "unsafe.csv"
    unsafe.write_text("student_id\nalice\n../etc\n")
    with pytest.raises(ConfigError, match=r"unsafe\.csv, line 3: student id '../etc'"):
        read_roster(unsafe)
    twice = tmp_path / "twice.csv"
    twice.write_text("student_id\nalice\nalice\n")
    with pytest.raises(ConfigError, match="appears twice"):
        read_roster(twice)
    with pytest.raises(ConfigError, match=r"missing\.csv: cannot read"):
        read_roster(tmp_path / "missing.csv")


def _exam_cell(public: str, opt_in: bool = False) -> nbformat.NotebookNode:
    meta = {"nbgrader": {"grade": True, "solution": False, "locked": True, "points": 5,
                         "grade_id": "t_maha", "schema_version": 3}}
    if opt_in:
        meta["mml"] = {"public_answers": True}
    return new_code_cell(public + "\n### BEGIN HIDDEN TESTS\ncheck(mahalanobis, 'x')\n"
                         "### END HIDDEN TESTS", metadata=meta)


def test_hygiene_flags_a_public_check_stating_the_reference_output() -> None:
    refs = {"mahalanobis": get_check(E2).reference}
    revealing = ("S = np.diag([4.0, 1.0])\nX = np.array([[2.0, 0.0], [0.0, 3.0]])\n"
                 "d = mahalanobis(X, np.zeros(2), S)\n"
                 "np.testing.assert_allclose(d, [1.0, 3.0])\n"
                 "assert mahalanobis(X[:1], np.zeros(2), S)[0] > 0\n")
    found = revealing_checks(new_notebook(cells=[_exam_cell(revealing)]), refs, "exam.ipynb")
    assert len(found) == 1 and "exam.ipynb: cell t_maha: line 4" in found[0]
    assert "public_answers" in found[0]
    # opted in: silent; a shape-only check or a wrong literal: nothing revealed
    assert revealing_checks(new_notebook(cells=[_exam_cell(revealing, opt_in=True)]), refs,
                            "exam.ipynb") == []
    harmless = ("d = mahalanobis(np.ones((3, 2)), np.zeros(2), np.eye(2))\n"
                "assert d.shape == (3,)\n"
                "np.testing.assert_allclose(mahalanobis(np.ones((1, 1)), np.zeros(1), "
                "np.eye(1)), [2.0])\n")
    assert revealing_checks(new_notebook(cells=[_exam_cell(harmless)]), refs, "e.ipynb") == []


def test_the_exam_opts_in_where_its_public_checks_show_values() -> None:
    root = Path(__file__).resolve().parents[2]
    nb = nbformat.read(root / "source" / "exam" / "exam.ipynb", as_version=4)
    refs = {s.function: s.reference for t in tasks("exam") for s in t.checks
            if s.reference is not None}
    assert nb.metadata["mml"]["exam"] is True
    assert revealing_checks(nb, refs, "source/exam/exam.ipynb") == []


def test_per_student_release_without_roster_or_gradebook_students_is_refused(
        tmp_path: Path) -> None:
    from graders.config import load_course
    from graders.nbgrader_io.release import release_students

    with pytest.raises(ConfigError, match=r"gradebook\.db: no roster given"):
        release_students(load_course(tmp_path), "exam")


@pytest.mark.parametrize("value", [float("nan"), np.array([1.0, np.inf]), "os.system('id')",
                                   "__import__('os')", object()])
def test_a_value_that_is_not_a_literal_never_becomes_code(value: object) -> None:
    """A data line gets a Python literal or an error naming the cell: never ``nan`` (a
    NameError in every student's notebook) nor a string or object pasted in as code."""
    code = "x = np.array({{ p }})\n"
    with pytest.raises(ConfigError, match=r"exam.ipynb, cell e7: parameter p = .* is not a "
                                          r"Python literal"):
        render_code(code, {"p": value}, "exam.ipynb, cell e7")
    assert "{{" not in render(code, {"p": value})  # markdown shows it as text


def test_student_ids_are_never_rendered_into_a_cell() -> None:
    """The only student-chosen text in rendering is the id, and it only feeds the hash."""
    for student in ("alice", "x'); import os; ('", "{{ e7_A }}"):
        params = assignment_parameters([get_check(E7)], SEED, "exam", student)
        rendered = render_code("A = np.array({{ e7_A }})\n", params)
        assert student not in rendered and ast.literal_eval(rendered[len("A = np.array("):-2])
