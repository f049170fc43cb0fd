"""The vocabulary of job state: phases and reasons, the update a transition publishes, and
the pure decisions between phases. No I/O.
"""
