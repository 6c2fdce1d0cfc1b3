"""Crime figures maths: months, periods and the plan's district comparison table.

Plain Python only (no pandas): the table is small and must be exact, so it is computed with
integers and ``Fraction`` and rounded the way a person rounds (half up), not by float formatting.
"""
