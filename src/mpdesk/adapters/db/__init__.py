"""The journal in SQL: SQLAlchemy Core tables, repositories that convert rows to domain
objects, a unit of work, and Alembic migrations applied on start."""
