"""1:1 meetings between buyers and exhibitor teams: availability, requests, places, agendas, outcomes."""
