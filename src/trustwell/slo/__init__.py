"""Trust SLOs and error budgets: pure maths in ``compute``, store reads in ``service``."""
