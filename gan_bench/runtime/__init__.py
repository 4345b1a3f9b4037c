"""The process a command runs in: seeds and devices, provenance, stop signals."""
