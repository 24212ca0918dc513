"""The settings file (config.toml), its migrations, and where Ringside keeps its files."""
