"""A returned 整改台账.xlsx → edits of the records' rectification nodes: read (find the
ledger and its rows), compare (rows against the records), edit (the minimal text edit of a
node), importer (validate in memory, then write)."""
