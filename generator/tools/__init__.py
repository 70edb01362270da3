"""Tools around the records: importing workbooks (importer/), diffing two revisions (diffing)
and scaffolding new records (scaffold)."""
