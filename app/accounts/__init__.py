"""Accounts: how each kind signs in, what its secrets are, whether it works — one small module per
family, with no Qt, so `ringside account …`, the running app and the Settings window share them.

    kinds.py       per kind: sign-in method and the secret it asks for (names and keyring entries
                   come from the registry, app/crm/registry.py)
    status.py      AccountState (connected / needs sign-in / error / not set up) and AccountStatus
    candidate.py   a secret store that tries a new secret before it is kept
    hooks.py       AppHooks: the parts of the running app the in-app operations below may use
    service.py     AccountService: connect (browser or secret), test, status, disconnect
    backend.py     SettingsControls: what the Settings window (app/ui/settings) may ask of the app
    forms.py       the Settings window's account forms, described from the settings models
    reconnect.py   the card's and tray's one-click "Sign in again", run in the app

"Test connection" per kind is each system's own check (app/crm/<kind>/check.py, reached through
app/crm/registry.py); `ringside account connect | list | disconnect` is app/cli/account.py.
"""
