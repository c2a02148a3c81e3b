"""The web service: JSON API, pages, and the scheduler, in one process."""
