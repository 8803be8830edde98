"""Meetings, attendance, minutes and their follow-up tasks."""
