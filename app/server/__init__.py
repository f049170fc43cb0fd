"""The composition root: the Starlette app and its lifespan, the CLI, REST and ops routes.

Owns wiring and HTTP surfaces. May import every other package; nothing imports it.
"""
