"""Services for area forums: meetings, issues, the printed log."""
