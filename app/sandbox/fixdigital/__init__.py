"""FixDigital emulator."""
