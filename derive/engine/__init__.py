"""The engine: verdicts, the decision procedure, index-level claims and process isolation."""
