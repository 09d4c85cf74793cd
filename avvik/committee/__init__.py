"""The joint committee's agenda (LSU/SSU/OSU): cases the parties could not settle."""
