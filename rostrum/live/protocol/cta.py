"""Filled in by the topic's work; registered on import."""
