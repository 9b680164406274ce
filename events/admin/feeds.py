"""Admin for this part of the editors' desk; see events/admin/__init__.py."""
