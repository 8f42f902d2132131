"""The courses area's forms, one module per concern."""
