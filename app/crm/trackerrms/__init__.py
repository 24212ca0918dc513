"""TrackerRMS Widget API (seed 001): lookup, open jobs, activities, screen pop, records."""
