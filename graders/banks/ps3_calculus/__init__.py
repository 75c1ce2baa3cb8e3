"""Problem set 3 (calculus): wrong-answer and alternative banks for C1–C7."""
