"""Great Expectations 1.x: suites to trustwell checks (``suite``), validation results to
external results (``results``). Both read GX's JSON only: GX itself is never imported."""
