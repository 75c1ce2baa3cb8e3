"""Problem set 3 (Unit 3, calculus): tasks C1–C10, one module per answer cell."""
