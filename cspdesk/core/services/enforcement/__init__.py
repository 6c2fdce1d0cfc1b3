"""Services for the enforcement ladder (CPW, CPN, FPN, ABC...): steps,
statutory dates, the notice register."""
