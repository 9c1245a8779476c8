"""Rating's I/O: price-book files."""
