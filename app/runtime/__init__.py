"""The running app without its widgets: composition of the parts, the instance door, the self-check."""
