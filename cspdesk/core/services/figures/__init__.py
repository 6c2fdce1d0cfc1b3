"""Services for crime figures: analyst and police.uk imports, the district and local tables."""
