"""Signed webhooks: exhibitor teams and organizers subscribe a URL to events; the worker delivers them."""
