"""The lead pages, one blueprint per audience: buyers' inquiries (``buyer``), an exhibitor team's
inbox, ranked leads and each lead's page (``inbox``), the team's order-lead reports (``reports``)
and its online "Scan a badge" form (``stand``). Organizers'
expo-wide reports live with the other organizer pages, in ``expo.organize.lead_reports``."""
