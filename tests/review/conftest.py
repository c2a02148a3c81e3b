"""The metrics tests' project with incidents written straight into its store."""

from metrics.conftest import project_root, project_with_incidents

__all__ = ["project_root", "project_with_incidents"]
