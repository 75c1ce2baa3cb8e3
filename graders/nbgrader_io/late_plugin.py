"""The course's late-penalty policy as an nbgrader plugin, so ``nbgrader autograde`` agrees.

Set ``c.AssignLatePenalties.plugin_class = "graders.nbgrader_io.late_plugin.CoursePenalty"``
in nbgrader_config.py beside ``c.MMLGrader.late_policy``: nbgrader's own autograde (and
formgrader's Autograde button) then deduct what ``mml grade`` deducts. Kept apart from
:mod:`graders.nbgrader_io.deadline` because subclassing nbgrader's plugin imports nbgrader.
"""

from __future__ import annotations

from nbgrader.plugins import LateSubmissionPlugin

from graders.config import MMLGrader
from graders.nbgrader_io.deadline import course_policy, penalty

__all__ = ["CoursePenalty"]


class CoursePenalty(LateSubmissionPlugin):  # type: ignore[misc]
    """nbgrader's late-submission plugin applying ``c.MMLGrader.late_*`` (see deadline.py)."""

    def late_submission_penalty(self, student_id: str, score: float,
                                total_seconds_late: float) -> float | None:
        """Points to deduct from one notebook's ``score``, by the course's policy."""
        grader = MMLGrader(config=self.config)
        if not grader.late_policy:
            return super().late_submission_penalty(  # type: ignore[no-any-return]
                student_id, score, total_seconds_late)
        return penalty(course_policy(grader), score, total_seconds_late)
