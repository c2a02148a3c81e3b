"""``python -m trustwell`` is the ``trustwell`` command."""

from trustwell.cli.app import main

main()
