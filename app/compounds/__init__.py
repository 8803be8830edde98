"""Subdistrict > community > compound > building > unit; rosters, verification, roles."""
