"""Generators of synthetic inputs for tests (random reports in the formats ogi reads)."""
