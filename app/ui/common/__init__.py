"""What every window shares: style, small widgets, how words and numbers read, the app icon."""
