"""The lead pages, one blueprint per audience: buyers' inquiries (``buyer``), an exhibitor team's
inbox and ranked leads (``inbox``) and the team's order-lead reports (``reports``). Organizers'
expo-wide reports live with the other organizer pages, in ``expo.organize.lead_reports``."""
