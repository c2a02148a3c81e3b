"""The JSON API under ``/api/v1`` (see docs/api.md).

One router per concept (``assets``, ``incidents``, ``reports``, ``runs``, and
``misc`` for action items, metrics and the outbox); request and response
models in :mod:`.models`; dependencies that 404 themselves in :mod:`.lookups`.
Every endpoint calls the same service function as the CLI, with the bearer
token's name as the actor.
"""
