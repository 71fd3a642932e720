"""Pages of knowledge: a module per part."""
