"""Health communities, organisations and their unit trees."""
