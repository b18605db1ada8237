"""What every JSON endpoint shares: the error envelope, field validation, middleware."""

# Where the JSON API's routes live; each domain's router carries it (see ``create_app``).
API_PREFIX = "/api"
