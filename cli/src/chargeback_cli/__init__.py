"""The command line for people (`chargeback`) and what runs the platform on one machine.

It depends on the shared library, the terms package and the four services (it mounts
their commands and starts them); nothing depends on it, and no service image holds it.
"""
