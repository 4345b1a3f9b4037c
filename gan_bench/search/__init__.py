"""`gan-bench search`: random (or TPE) search over the search spaces a suite declares, and the
expected best score against the tuning budget (docs/search.md)."""
