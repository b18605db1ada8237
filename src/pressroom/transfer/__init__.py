"""A whole publication in and out in bulk: the sync engine and batched Core statements."""
