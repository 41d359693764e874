"""Safeguarding cases: the database that holds them, the staff who work them, and the audit log."""
