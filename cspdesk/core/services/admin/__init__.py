"""Services for users and roles, settings (the one reader), health checks, demo data, backups."""
