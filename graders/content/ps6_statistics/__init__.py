"""Problem set 6 (Unit 6, statistics): tasks S1–S8, one module per answer cell."""
