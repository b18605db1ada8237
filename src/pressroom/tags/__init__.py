"""Tags: labels shared by articles."""
