"""Results and checks from the tools data teams already run (Great Expectations, dbt, OpenLineage).

:mod:`trustwell.integrations.results` holds the pure input type every importer
builds (:class:`ExternalResult`); :mod:`trustwell.integrations.external` records
them as a run and feeds their failures into incident grouping. Each tool's
converters (``gx/``) are pure and read only JSON the tool wrote.
"""
