"""One module per CRM; `base` holds the protocol, `registry` maps kinds to factories."""
