"""``serve``'s live preview: a session holding the last records and pages (session), and the
builder that turns each change into a rebuilt page or a problem page (builder)."""
