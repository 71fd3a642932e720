"""Pages of committees and participation: browse.py (the list and a committee's page), participation.py
(profiles over time, developing versus other members), edit.py (the forms), imports.py (the ISO committee
file imported in the background), charts.py (grouped bars)."""
