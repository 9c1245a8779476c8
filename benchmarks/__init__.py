"""`make bench`: figures measured in one run on this machine, written to build/bench.json."""
