"""Accounts: how each kind signs in, what its secrets are, whether it works — one small module per
family, with no Qt, so `ringside account …`, the running app and the Settings window share them.

    kinds.py       per kind: display name, sign-in method, keyring entry names, prompts
    status.py      AccountState (connected / needs sign-in / error / not set up) and AccountStatus
    candidate.py   a secret store that tries a new secret before it is kept
    checks.py      "Test connection" per kind, in words (each CRM's own authenticated read)
    retailcrm_check.py, puzzel_check.py   the verification calls for those two APIs
    service.py     AccountService: connect (browser or secret), test, status, disconnect
    terminal.py    the terminal side of `ringside account connect | list | disconnect`
    backend.py     SettingsControls: what the Settings window (app/ui/settings) may ask of the app
    forms.py       the Settings window's account forms, described from the settings models
    reconnect.py   the card's and tray's one-click "Sign in again", run in the app
"""
