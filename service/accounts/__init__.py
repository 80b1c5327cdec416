"""Users, schools (tenancy), roles, permissions, login throttling, tokens, access log."""
