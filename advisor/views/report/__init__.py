"""The report: one model, rendered to Markdown, HTML, PDF and an architecture decision record."""
