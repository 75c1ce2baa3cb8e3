"""The mathematics that several tasks of a unit share, one module per unit."""
