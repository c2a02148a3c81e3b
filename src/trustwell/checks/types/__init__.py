"""The built-in check types, one module per family; :mod:`trustwell.checks.registry` lists them."""
