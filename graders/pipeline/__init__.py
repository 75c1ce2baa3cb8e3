"""The steps of grading one submission, in the order :mod:`graders.pipeline.grade` runs them.

intake (find, cap, validate) → assemble (rebuild from the instructor source by
grade_id) → plan (hidden inputs from the seed) → execute (sandbox) → judge
(compare with the references) → record (gradebook, autograded notebook, JSON).
"""
