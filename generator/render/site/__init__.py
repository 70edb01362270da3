"""The site's pages (pages), their large tables (tables) and charts (charts)."""
