"""Shared test infrastructure (PostgreSQL, servers in threads, Node client)."""
