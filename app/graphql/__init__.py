"""GraphQL execution and transport: the executor, websocket handlers, shared live delivery,
document limits and error masking, GraphiQL's assets, and every override of library internals
(``_compat``).

May import ``schema``, ``resolvers`` and the services below them; never ``app.server``.
"""
