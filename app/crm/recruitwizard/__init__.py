"""Recruit Wizard (seed 000): lookup, open jobs, call notes as activities, OAuth sign-in."""
