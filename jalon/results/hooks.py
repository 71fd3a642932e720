"""Hooks the programme's domains share through the results app, the lowest app that knows programmes.

`support_changed`: a record of one domain carries money that another domain's ledger must show. Twinning
calls it after each change of an arrangement (its lead-funded support); finance, on the same layer and so
unable to import twinning or be imported by it, listens and keeps one commitment per arrangement in the
ledger. Called in the caller's transaction with `actor` and `arrangement`."""

from jalon.lib.hooks import Hook

support_changed = Hook("support with money changed")
