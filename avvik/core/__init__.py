"""Cross-cutting pieces with no routes: errors, time, working days, mail, permissions."""
