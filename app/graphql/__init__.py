"""The GraphQL endpoint: the ASGI app and its context (``asgi``), the executor choice,
websocket handlers, shared live delivery, document limits and error masking, GraphiQL's assets.
The library internals these rely on are opened in ``app._compat``.

May import ``schema``, ``resolvers`` and the services below them; never ``app.server``.
"""
