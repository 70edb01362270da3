"""Filled workbooks → records: open (read the file safely), read (rows by header), records
(rows → record data), yamlout (YAML text), importer (the command's flow)."""
