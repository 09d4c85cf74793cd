"""Discharges per unit and month: the denominator of the measures' rates."""
