"""Who may see or change what in knowledge: a module per part."""
