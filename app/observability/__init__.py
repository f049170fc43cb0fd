"""Metrics (one Prometheus registry) and log setup (structured lines, redaction).

Imported from every layer, so it imports only the pure packages.
"""
