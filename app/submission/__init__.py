"""Getting a job's objects onto Karmada and off again, idempotently, and the reconciler that
finishes what a crash interrupted and removes orphans (crash points for the tests included).

May import live, db, karmada and the pure packages.
"""
