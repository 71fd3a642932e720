"""The activities pages, one module per kind of page: the list, calendar and activity page
(activities.py), the organisers' forms (organising.py), participants (participants.py), people
(people.py), certificates, reach and participant imports."""
