"""Pages of committees and participation: browse.py (the list and a committee's page), participation.py
(profiles over time, developing versus other members), edit.py (the forms), charts.py (grouped bars)."""
