"""Report generators for tests and benchmarks: a random consistent report model (``report``) and renderers
that print it in the formats ogi reads, each returning the bytes and the expected values (contract §7)."""
