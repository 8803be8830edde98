"""Shared helpers. Imports no domain package."""
