"""Each role's first page after signing in."""
