"""Problem set 2 (Unit 2, geometry): tasks G1–G6, one module per answer cell."""
