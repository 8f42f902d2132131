"""The rules of the courses area, one module per concern."""
