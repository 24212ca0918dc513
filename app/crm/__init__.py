"""One folder per external system (settings model, connector, wire mapping, sign-in check, callbacks);
`_shared` holds the plumbing they share; `registry` is the table of kinds."""
