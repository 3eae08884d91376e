"""Calculus step by step: Step and rule records, differentiation, first principles, extrema."""
