"""Tests of app/ui/dial."""
