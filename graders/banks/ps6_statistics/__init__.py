"""Problem set 6 (statistics): wrong-answer and alternative banks for S1–S8."""
