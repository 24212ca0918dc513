"""Plumbing every external system shares: the HTTP client and its error mapping, OAuth, call-step ordering."""
