"""Funds, ledgers, statements and questions about them (issue 16)."""
