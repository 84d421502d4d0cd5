"""How processes start and are tuned; no page or lab imports this package."""
