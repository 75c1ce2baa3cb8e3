"""Problem set 4 (Unit 4, optimisation): tasks O1–O6, one module per answer cell."""
