"""The note form that opens when a call ends."""
