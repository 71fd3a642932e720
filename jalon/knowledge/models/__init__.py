"""The knowledge app's models, a module per part: the Q&A forum and the expert roster (forum.py, roster.py),
lessons learned, the resource library and the database of standardized technologies and conforming products
(lessons.py, library.py, products.py)."""
