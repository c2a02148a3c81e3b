"""Certification by use case (SPEC 5): decisions computed from live evidence.

:mod:`trustwell.certification.decide` is the pure rule: evidence in, a decision out.
"""
