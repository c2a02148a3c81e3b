"""The quick run path: ``trustwell run`` of an unchanged project without the heavy libraries.

A run of a healthy project spends most of its time, on a small table, in
Python before and after its one statement: the configuration's Pydantic
models, sqlglot to plan, SQLAlchemy to record. None of it changes from one
run to the next while the project's files do not. So a full run that could
be replayed leaves its plan behind (:mod:`.capture`): the rendered
statements, each check's pure evaluation (its judge spec,
:mod:`trustwell.checks.judge`), what the record needs; and the next
``trustwell run`` (:mod:`.run`) checks that nothing it depends on moved
(:mod:`.plan`: the project's files, trustwell's own code, the statistics a
bitmap's bounds came from, the store's schema), runs the statements through
the same DuckDB engine, judges with the same functions and records with the
standard library's ``sqlite3`` (:mod:`trustwell.store.quick`).

Whatever the quick path cannot do the same way it hands back, before
anything is recorded: a check that fails or errors (its details and samples,
the incident machinery) or warns with details to fetch, an open incident or
a due notification, a changed project. The full run then starts with the rows already fetched
(:mod:`.handover`), so no statement runs twice. docs/benchmarks.md has the
figures; ``TRUSTWELL_QUICK_RUN=0`` turns the path off.
"""
