"""The mathematics that several tasks of a unit share, one module per unit."""

__all__ = ["UNITS"]

#: The six units, in course order: the course's learning outcomes, and the prefix of every
#: check id (:mod:`graders.checks`). A unit's shared mathematics lives in
#: ``graders/content/units/<unit>.py``. Declared here, with nothing imported, for the
#: commands that only name the units (reports, exports).
UNITS: tuple[str, ...] = ("linear_algebra", "geometry", "calculus", "optimisation",
                          "probability", "statistics")
