"""The staff dashboard: the case queue, case pages with live takeover, decision records and the audit log."""
