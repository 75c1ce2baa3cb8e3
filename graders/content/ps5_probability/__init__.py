"""Problem set 5 (Unit 5, probability): tasks P1–P6, one module per answer cell."""
