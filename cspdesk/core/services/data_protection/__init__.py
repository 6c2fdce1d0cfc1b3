"""Services for retention reviews, subject access and other data-subject requests, the audit log's reports."""
