"""Cell factories and a tiny course for the pipeline tests (nbgrader's cell metadata)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import nbformat

REPO = Path(__file__).resolve().parents[2]

SOLVE = '''def solve(A, b):
    """Solve Ax = b."""
    ### BEGIN SOLUTION
    import scipy.linalg
    return scipy.linalg.solve(A, b)
    ### END SOLUTION
'''
REFLECT = '''def reflection_matrix(B):
    """Reflection in the mirror along b1."""
    ### BEGIN SOLUTION
    b = B[:, 0] / np.linalg.norm(B[:, 0])
    return 2 * np.outer(b, b) - np.eye(len(b))
    ### END SOLUTION
'''


def meta(grade_id: str, *, grade: bool = False, solution: bool = False, locked: bool = False,
         points: float | None = None, unit: str | None = None) -> dict[str, Any]:
    """nbgrader cell metadata (with ``unit``, the cell's ``metadata.mml.unit`` too)."""
    m: dict[str, Any] = {"grade": grade, "solution": solution, "locked": locked,
                         "grade_id": grade_id, "schema_version": 3}
    if points is not None:
        m["points"] = points
    return {"nbgrader": m} if unit is None else {"nbgrader": m, "mml": {"unit": unit}}


def code(source: str, **kw: Any) -> Any:
    """A code cell with nbgrader metadata."""
    return nbformat.v4.new_code_cell(source, metadata=meta(**kw))


def md(source: str, **kw: Any) -> Any:
    """A markdown cell with nbgrader metadata."""
    return nbformat.v4.new_markdown_cell(source, metadata=meta(**kw))


def exam_notebook(cells: list[Any]) -> Any:
    """An exam's source notebook (``metadata.mml.exam``) on the Python 3 kernel."""
    return nbformat.v4.new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "language": "python", "display_name": "Python 3"},
        "mml": {"exam": True}})


def test_cell(grade_id: str, public: str, fn: str, check_id: str, points: float) -> Any:
    """A graded test cell: public asserts + a hidden check region."""
    src = (f"{public}\n### BEGIN HIDDEN TESTS\nfrom graders.authoring import check\n"
           f'check({fn}, "{check_id}")\n### END HIDDEN TESTS\n')
    return code(src, grade_id=grade_id, grade=True, locked=True, points=points)


def source_notebook() -> Any:
    """A two-question instructor notebook plus a written answer."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [
        md("# Tiny\nSolve and reflect.", grade_id="intro", locked=True),
        code("import numpy as np", grade_id="setup", locked=True),
        code(SOLVE, grade_id="q_solve", solution=True),
        test_cell("q_solve_test", "assert solve(np.eye(2), np.ones(2)).shape == (2,)",
                  "solve", "linear_algebra.solve", 3),
        code(REFLECT, grade_id="q_reflect", solution=True),
        test_cell("q_reflect_test", "T = reflection_matrix(np.eye(2))",
                  "reflection_matrix", "linear_algebra.reflection_matrix", 2),
        md("Explain why.", grade_id="written", solution=True, grade=True, points=4),
    ]
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i}"
    return nb


def make_course(root: Path, assignment: str = "tiny") -> Path:
    """A course root with nbgrader_config.py and source/<assignment>/<assignment>.ipynb."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "nbgrader_config.py", root / "nbgrader_config.py")
    with open(root / "nbgrader_config.py", "a") as fh:
        fh.write("c.MMLGrader.cell_timeout = 5.0\nc.MMLGrader.case_timeout = 3.0\n")
    src = root / "source" / assignment
    src.mkdir(parents=True, exist_ok=True)
    nbformat.write(source_notebook(), str(src / f"{assignment}.ipynb"))
    return root


def submit(root: Path, student: str, nb: Any, assignment: str = "tiny") -> Path:
    """Place a notebook at submitted/<student>/<assignment>/<assignment>.ipynb."""
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{assignment}.ipynb"
    nbformat.write(nb, str(path))
    return path


def with_answer(nb: Any, grade_id: str, source: str) -> Any:
    """A copy of ``nb`` whose answer cell ``grade_id`` has ``source``."""
    nb = nbformat.from_dict(nbformat.from_dict(nb))
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == grade_id:
            cell.source = source
    return nb


def solved_submission(root: Path, student: str, assignment: str, answer: str,
                      extra: str = "") -> Path:
    """The course source's solution of ``assignment``, submitted as ``student``, with
    top-level code ``extra`` at the end of the answer cell ``answer`` (only answer cells
    of a submission run). Returns the submitted notebook's path."""
    from graders.authoring import strip_solution_markers

    source = nbformat.read(str(root / "source" / assignment / f"{assignment}.ipynb"),
                           as_version=4)
    for cell in source.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            cell.source = strip_solution_markers(cell.source)
            if meta.get("grade_id") == answer:
                cell.source += "\n" + extra
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True)
    nbformat.write(source, str(folder / f"{assignment}.ipynb"))
    return folder / f"{assignment}.ipynb"
