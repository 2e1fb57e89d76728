"""Security tests: hostile input, throttling, permissions."""
