"""Problem set 5 (probability): wrong-answer and alternative banks for P1–P6."""
