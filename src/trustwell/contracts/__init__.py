"""Data contracts (SPEC 5): an asset as an Open Data Contract Standard v3 document and back.

``odcs`` writes an asset as a contract and ``odcs_read`` reads one into an
asset declaration (both pure, with ``quality``'s operators and bounds shared);
``diff`` compares two contracts and says which changes are breaking (pure);
``files`` reads, validates (against the JSON Schema shipped in the
``open-data-contract-standard`` package) and writes documents and asset files;
``service`` ties them to a project. See ``docs/contracts.md``.
"""
