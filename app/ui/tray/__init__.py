"""The tray icon, its menu, and what stands in for it on desktops without a tray."""
