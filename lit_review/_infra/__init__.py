"""Shared plumbing under every module: atomic file I/O, worker processes, Arrow columns."""
