"""Live job updates inside one process (the hub) and across replicas (PostgreSQL
NOTIFY/LISTEN). Knows nothing of GraphQL: ``app.graphql`` renders what the hub delivers.

May import db and the pure packages.
"""
