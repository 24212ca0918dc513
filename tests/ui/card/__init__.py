"""Tests of app/ui/card."""
