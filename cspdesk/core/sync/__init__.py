"""Working copies: take a copy of some wards' cases, journal every change made in it, bring the changes back.

``values``: which tables travel and how a value is written into the journal; ``journal``: the change capture
in a copy (session events); ``take``: writing a copy; ``bring_back``: the field-level merge into the office;
``references``: provisional references in a copy. The service is
``core/services/working_copies/working_copies.py``.
"""
