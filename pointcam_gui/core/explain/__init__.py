"""Explanation methods on points: one module per method (or close family) on a common base."""
