"""The Settings window (tray → Settings): window.py holds the window, accounts_page.py and
account_editor.py the Accounts tab, general_page.py the General tab."""
