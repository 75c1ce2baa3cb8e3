"""Problem set 1 (Unit 1, linear algebra): tasks LA1–LA7, one module per answer cell."""
