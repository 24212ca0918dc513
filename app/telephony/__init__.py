"""Call sources (simulator, webhook, softphones) and dialers."""
