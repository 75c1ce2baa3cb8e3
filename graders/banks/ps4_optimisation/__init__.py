"""Problem set 4 (optimisation): wrong-answer and alternative banks for O1–O6."""
