"""Documentation helpers: the README's screenshots."""
