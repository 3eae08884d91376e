"""Numeric networks built from the derived formulas, and the hand-written ones they are checked
against."""
