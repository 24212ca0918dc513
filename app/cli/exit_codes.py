"""What `ringside` exits with: 0 done, 1 refused or failed (the reason on stderr), 2 a usage mistake
(an unknown option, a missing argument, an empty number or text that is not a phone number)."""

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2

EXIT_CODES_HELP = """exit codes:
  0  done
  1  refused or failed (Ringside not running, no dialer, a CRM said no); the reason is on stderr
  2  usage mistake: an unknown option, a missing argument, an empty number or one that is not a number"""
