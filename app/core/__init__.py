"""Pure call logic: no Qt, no HTTP, no keyring."""
