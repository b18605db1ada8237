"""The reading and writing site: server-rendered pages over the same services as the API."""
