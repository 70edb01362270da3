"""The work report (附件4): model (its figures), text, parts and blocks (its content), review,
report (Markdown for the site) and docx, docx_style (the Word document)."""
