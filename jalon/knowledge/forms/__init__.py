"""Forms of the knowledge pages: a module per part."""
