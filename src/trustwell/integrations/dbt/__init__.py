"""dbt: a manifest's models, seeds, snapshots and sources as assets, its lineage and tests.

``manifest.py`` and ``run_results.py`` are pure (dbt's JSON in, trustwell's
types out); ``project_file.py`` renders the generated ``assets/dbt.yml``;
``importer.py`` ties the files to the project, the lineage store and
:func:`trustwell.integrations.external.record_external`. dbt itself is never
imported: only the artifacts it writes are read.
"""
