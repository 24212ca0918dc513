"""What `ringside` exits with: 0 done, 1 failed (the reason on stderr), 2 a usage mistake."""

EXIT_OK, EXIT_FAIL, EXIT_USAGE = 0, 1, 2
