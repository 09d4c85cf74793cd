"""People, and the roles they hold in units."""
