"""Storage: SQLAlchemy models, the database file, migrations, search and the unit of work."""
