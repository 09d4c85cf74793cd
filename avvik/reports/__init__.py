"""Deviation reports (cases), their timeline and the patient identity vault."""
