"""The results pages: programmes and indicators (programmes), reporting and reviewing values (measurements),
the framework builder (frameworks), computed indicators (computed)."""
