"""Admin for actors, aliases and statements."""
