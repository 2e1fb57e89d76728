"""The lead pages, one blueprint per audience: buyers' inquiries (``buyer``), an exhibitor team's
inbox, ranked leads and each lead's page (``inbox``), the team's order-lead reports (``reports``)
its "Scan a badge" page (``stand``: a form that works without JavaScript, which the offline app of
``stand_app`` takes over, with the codes it checks and the sync of its queue). Organizers' expo-wide
reports live with the other organizer pages, in ``expo.organize.lead_reports``."""
