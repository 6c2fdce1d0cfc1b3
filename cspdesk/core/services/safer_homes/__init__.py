"""Services for Safer Homes referrals: intake, reading (masked), exports and letters."""
