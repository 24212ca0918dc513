"""The keyring entry names, spelled once. Every secret is stored as `ringside` / `<account id>:<name>`;
each system's settings module says which of these its accounts own (`SECRETS`)."""

from __future__ import annotations

TOKENS = "tokens"  # the OAuth TokenSet, as JSON
CLIENT_SECRET = "client_secret"  # the OAuth client secret, needed for the code exchange and refreshes
PASSWORD = "password"  # a user's password (TrackerRMS password sign-in, Puzzel)
API_KEY = "apikey"  # an API key (TrackerRMS API-key sign-in, retailCRM)
CALLBACK_PASSWORD = "callback_password"  # ours: what FixDigital must send when it calls Ringside
