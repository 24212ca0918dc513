"""The history window: calls, notes, missed calls to return."""
