"""The data layer's plumbing: types, engines, sessions, events and migrations."""
