"""Reference data of a health community: agreements, phases, transitions, categories."""
