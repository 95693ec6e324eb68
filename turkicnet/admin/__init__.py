"""The Secretariat's screens; they call the other features' services."""
