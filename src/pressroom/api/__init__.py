"""What every JSON endpoint shares: the error envelope, field validation, middleware."""
