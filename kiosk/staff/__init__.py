"""Staff: login and sessions, Today and History, the team, backups and the named report queries."""
