"""An example gan-bench plugin package (see the README section "Bring your own model")."""
