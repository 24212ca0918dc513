"""Tests of app/ui/note."""
