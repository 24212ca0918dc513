"""retailCRM API v5 emulator."""
