"""Benchmarks (not tests): they print numbers, compared with a baseline from the same run."""
