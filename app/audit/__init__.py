"""The hash-chained, append-only audit log (DESIGN §5)."""
