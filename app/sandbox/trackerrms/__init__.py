"""TrackerRMS emulator."""
