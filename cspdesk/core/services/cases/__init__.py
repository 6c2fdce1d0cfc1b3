"""Services for ASB cases: intake, the case screen (parties, incidents, actions, risk, chronology,
attachments), the case list and search, closure."""
