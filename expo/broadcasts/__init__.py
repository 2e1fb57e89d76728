"""Organizers' broadcasts: one message to an edition's attendees or exhibitors, a pavilion's
exhibitors, or a forum's or session's participants, fanned out in batches by the worker."""
