"""Problem set 2 (geometry): wrong-answer and alternative banks for G1–G6."""
