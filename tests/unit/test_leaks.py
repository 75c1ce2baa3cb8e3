"""Tests of graders.nbgrader_io.leaks: what counts as hidden material in a released notebook."""

from __future__ import annotations

from typing import Any

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from graders.nbgrader_io.leaks import Leak, misplaced_regions, reference_code_lines, scan

ANSWER = '''def solve(A, b):
    """Solve A x = b for x by Gaussian elimination."""
    ### BEGIN SOLUTION
    pivots = np.argmax(np.abs(A), axis=0)
    return np.linalg.solve(A, b)
    ### END SOLUTION'''
ANSWER_STUB = '''def solve(A, b):
    """Solve A x = b for x by Gaussian elimination."""
    # YOUR CODE HERE
    raise NotImplementedError()'''
TEST = '''# Public check on a small example
assert np.allclose(solve(np.eye(2), np.ones(2)), np.ones(2))
### BEGIN HIDDEN TESTS
from graders.authoring import check
check(solve, "linear_algebra.solve")
### END HIDDEN TESTS'''
TEST_PUBLIC = '''# Public check on a small example
assert np.allclose(solve(np.eye(2), np.ones(2)), np.ones(2))'''
WRITTEN = "Without row exchanges a zero pivot halts the elimination."


def meta(**flags: Any) -> dict[str, Any]:
    base = {"schema_version": 3, "solution": False, "grade": False, "locked": False,
            "task": False}
    return {"nbgrader": {**base, **flags}}


def source_nb() -> Any:
    return new_notebook(cells=[
        new_markdown_cell("# Problem set\nSolve a small linear system."),
        new_code_cell("import numpy as np"),
        new_code_cell(ANSWER, metadata=meta(solution=True, grade_id="solve")),
        new_code_cell(TEST, metadata=meta(grade=True, locked=True, points=3,
                                          grade_id="test_solve")),
        new_markdown_cell(WRITTEN, metadata=meta(solution=True, grade=True, points=2,
                                                 grade_id="explain")),
    ])


def released_nb() -> Any:
    return new_notebook(cells=[
        new_markdown_cell("# Problem set\nSolve a small linear system."),
        new_code_cell("import numpy as np"),
        new_code_cell(ANSWER_STUB, metadata=meta(solution=True, grade_id="solve")),
        new_code_cell(TEST_PUBLIC, metadata=meta(grade=True, locked=True, points=3,
                                                 grade_id="test_solve")),
        new_markdown_cell("YOUR ANSWER HERE", metadata=meta(solution=True, grade=True,
                                                            points=2, grade_id="explain")),
    ])


def test_clean_release_has_no_leaks() -> None:
    assert scan(source_nb(), released_nb()) == []


def test_signature_and_docstring_beside_a_solution_region_are_public() -> None:
    leaks = scan(source_nb(), released_nb())
    assert not any("def solve" in leak.what or "Gaussian" in leak.what for leak in leaks)


def test_marker_left_in_release_is_a_leak() -> None:
    released = released_nb()
    released.cells[3].source = TEST_PUBLIC + "\n### BEGIN HIDDEN TESTS"
    leaks = scan(source_nb(), released)
    assert Leak(3, "test_solve", "marker 'BEGIN HIDDEN TESTS'") in leaks


def test_solution_line_copied_into_another_cell_is_a_leak() -> None:
    released = released_nb()
    released.cells[0].source += "\nHint: `return np.linalg.solve(A, b)`"
    leaks = scan(source_nb(), released)
    assert len(leaks) == 1
    assert leaks[0].cell == 0 and leaks[0].grade_id == ""
    assert "solution line of source cell 2 ('solve')" in leaks[0].what
    assert "np.linalg.solve(A, b)" in leaks[0].what
    assert str(leaks[0]).startswith("cell 0 (no grade_id): solution line")


def test_hidden_test_lines_in_release_are_leaks() -> None:
    released = released_nb()
    released.cells[3].source = TEST.replace("### BEGIN HIDDEN TESTS\n", "").replace(
        "\n### END HIDDEN TESTS", "")
    whats = [leak.what for leak in scan(source_nb(), released)]
    assert any(w.startswith("hidden-test line") for w in whats)
    assert "imports the trusted package 'graders'" in whats
    assert any("hidden-check call" in w for w in whats)


def test_whole_cell_written_solution_is_a_leak() -> None:
    released = released_nb()
    released.cells[4].source = WRITTEN
    leaks = scan(source_nb(), released)
    assert {leak.cell for leak in leaks} == {4}
    assert any(leak.what.startswith("whole-cell solution of source cell 4") for leak in leaks)


def test_trusted_package_mentions() -> None:
    released = released_nb()
    released.cells[1].source = "import numpy as np\nimport graders"
    released.cells[0].source += "\nThe graders will read your derivation."
    leaks = scan(source_nb(), released)
    assert [(leak.cell, leak.what) for leak in leaks] == [
        (1, "imports the trusted package 'graders'")]


def test_outputs_are_scanned() -> None:
    released = released_nb()
    released.cells[1].outputs = [new_output("stream", name="stdout",
                                            text="pivots = np.argmax(np.abs(A), axis=0)\n")]
    leaks = scan(source_nb(), released)
    assert [leak.cell for leak in leaks] == [1]


def test_short_and_generic_lines_are_ignored() -> None:
    source = source_nb()
    source.cells[2].source = ANSWER.replace("    pivots", "    # Solve the system\n    x = 1\n"
                                            "    pivots")
    source.cells[0].source += "\n# Solve the system"
    released = released_nb()
    released.cells[1].source = "import numpy as np\nx = 1\n# Solve the system"
    assert scan(source, released) == []


def test_allowed_lines_are_not_leaks() -> None:
    source = source_nb()
    source.cells[2].source = ANSWER.replace("    pivots", "    raise NotImplementedError()\n"
                                            "    pivots")
    assert scan(source, released_nb()) == []


REFERENCE = '''"""Reference implementations of the linear algebra unit."""

from numpy.typing import NDArray

def solve(A: NDArray, b: NDArray) -> NDArray:
    """Solve A x = b with partial pivoting and back substitution."""
    # a comment that is long enough to count
    lu, piv = scipy.linalg.lu_factor(A)
    return scipy.linalg.lu_solve((lu, piv), b)
'''


def test_reference_code_lines_skip_docstrings_comments_and_imports() -> None:
    assert reference_code_lines(REFERENCE) == [
        "def solve(A: NDArray, b: NDArray) -> NDArray:",
        "lu, piv = scipy.linalg.lu_factor(A)",
        "return scipy.linalg.lu_solve((lu, piv), b)",
    ]
    assert reference_code_lines("def broken(:\n    this line is long enough") == [
        "this line is long enough"]


def test_reference_code_in_release_is_a_leak() -> None:
    released = released_nb()
    released.cells[0].source += ("\nSolve A x = b with partial pivoting and back substitution."
                                 "\n    lu, piv = scipy.linalg.lu_factor(A)")
    leaks = scan(source_nb(), released, references={"graders/content/la1.py": REFERENCE})
    assert [(leak.cell, leak.what) for leak in leaks] == [
        (0, "reference code of graders/content/la1.py: 'lu, piv = scipy.linalg.lu_factor(A)'")]


def test_reference_line_the_source_shows_publicly_is_not_a_leak() -> None:
    """A line the instructor put in a public cell (a signature, a public check's
    ``except np.linalg.LinAlgError:``) may equal a line of some task module; it is public."""
    source, released = source_nb(), released_nb()
    line = "lu, piv = scipy.linalg.lu_factor(A)"
    source.cells[0].source += f"\n{line}"
    released.cells[0].source += f"\n{line}"
    assert scan(source, released, references={"graders/content/x.py": REFERENCE}) == []


def test_misplaced_regions_name_the_cell() -> None:
    source = source_nb()
    source.cells.append(new_code_cell(TEST))
    source.cells.append(new_code_cell("### BEGIN SOLUTION\nx = 1",
                                      metadata=meta(solution=True, grade_id="open")))
    found = misplaced_regions(source)
    assert [(leak.cell, leak.grade_id) for leak in found] == [(5, ""), (6, "open")]
    assert "hidden-test region in a cell not marked nbgrader 'grade'" in found[0].what
    assert "1 'BEGIN SOLUTION' but 0 'END SOLUTION'" in found[1].what
    assert misplaced_regions(source_nb()) == []
