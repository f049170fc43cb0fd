"""Operating jobs after submission: reading and archiving logs, stopping workloads, retention
and purge, and the leader's operations worker that runs them.

May import submission, live, db, karmada and the pure packages.
"""
