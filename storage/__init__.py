"""Storage: engine and sessions (`engine`), migrations (`migrate`), data access
(`repository`) and full-text search (`search`), on SQLite or PostgreSQL."""
