"""Services for letters and documents: templates, values from each area, mail merge, filing and reprinting."""
