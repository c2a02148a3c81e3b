"""Who may do what: API tokens, page sessions and roles."""
