"""The Dial window."""
