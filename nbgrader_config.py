"""The course's one configuration file: nbgrader's settings and the grader's (MMLGrader)."""

c = get_config()  # noqa: F821 (provided by traitlets when nbgrader or mml loads this file)

# --- nbgrader -------------------------------------------------------------
c.CourseDirectory.course_id = "mml"
# The gradebook: SQLite in the course root by default; PostgreSQL by URL, e.g.
# c.CourseDirectory.db_url = "postgresql://user@host/mml"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
# Formgrader's Autograde and Generate buttons would bypass the sandbox and the leak scan:
# they refuse, naming the mml command to run instead (graders/nbgrader_io/formgrader.py).
c.NbGraderAPI.Autograde.exporter_class = "graders.nbgrader_io.formgrader.RefuseAutograde"
c.NbGraderAPI.GenerateAssignment.exporter_class = "graders.nbgrader_io.formgrader.RefuseGenerate"
# nbgrader's own pages (generate_feedback's files, formgrader's page of a submission) load
# MathJax from a CDN; these inline the jupyter-server-mathjax package's copy, so formulas
# render with no network (graders/nbgrader_io/mathjax.py).
from graders.nbgrader_io.mathjax import NBCONVERT_TEMPLATES  # noqa: E402

c.HTMLExporter.extra_template_basedirs = NBCONVERT_TEMPLATES
c.HTMLExporter.filters = {"mml_offline_mathjax": "graders.nbgrader_io.mathjax.notebook_mathjax"}
# The exchange students fetch from and submit to (`mml exchange` creates it); nbgrader's
# default is /usr/local/share/nbgrader/exchange. Students' nbgrader_config.py must agree.
# c.Exchange.root = "/srv/nbgrader/exchange"

# --- the grader (`mml config` lists every setting with its help) ------------
c.MMLGrader.sandbox = "bwrap"
c.MMLGrader.workers = 0          # 0: one per core
c.MMLGrader.seed = 20260101
c.MMLGrader.cell_timeout = 30.0
c.MMLGrader.case_timeout = 10.0
c.MMLGrader.memory_mb = 2048
c.MMLGrader.max_processes = 64
c.MMLGrader.units = {
    "ps1_linear_algebra": "linear_algebra",
    "ps2_geometry": "geometry",
    "ps3_calculus": "calculus",
    "ps4_optimisation": "optimisation",
    "ps5_probability": "probability",
    "ps6_statistics": "statistics",
}
