"""Widget tests (tests/ui/<window>/ mirrors app/ui/<window>/) and whole-app flows through the real widgets."""
