"""Services for working copies for area forums: take, bring back, conflicts (the machinery is core/sync)."""
