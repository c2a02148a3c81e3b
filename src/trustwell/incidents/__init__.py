"""Incidents: one well-run incident per problem, from declaration to post-mortem."""
