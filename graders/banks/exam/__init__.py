"""The exam (mixed units): wrong-answer and alternative banks for the autograded tasks E1–E6."""
