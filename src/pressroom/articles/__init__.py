"""Articles: writing, listing, favoriting."""
