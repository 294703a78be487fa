"""The write side of dsr: the Person aggregate, its rules and the application service.

Nothing here knows about HTTP, read-model SQL or scheduling; see docs/architecture.md.
"""
