"""Test plumbing shared by the test modules of several apps (registered as pytest plugins)."""
