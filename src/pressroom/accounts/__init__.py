"""Whole accounts: what one holds, a new password or sessions ended by the operator, and
deleting one with all it holds (by its owner, on the site or the API, or by the operator)."""
