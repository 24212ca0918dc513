"""`ringside --demo`: the real app against the sandbox CRMs, with nothing to set up."""
