"""Services for Community Trigger / ASB Case Review applications: steps, the action plan, figures, letters."""
