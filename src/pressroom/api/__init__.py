"""What every JSON endpoint shares: the error envelope, authentication, response helpers."""
