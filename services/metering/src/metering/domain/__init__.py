"""Metering's pure logic: reading CloudEvents, naming what is wrong, sorting out duplicates."""
