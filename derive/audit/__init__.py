"""Audits: the equations of a document, the tutorial's claims, and their reports."""
