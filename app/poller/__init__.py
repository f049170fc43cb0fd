"""The status poller: the LIST+WATCH cache of workloads and bindings, the active-job set,
stale members, and the tick that publishes each job's observed phase.

The phase decisions themselves are pure (``app.jobstate.transitions``); this package does the
I/O around them. May import submission, live, db, karmada and the pure packages.
"""
