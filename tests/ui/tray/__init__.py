"""Tests of app/ui/tray."""
