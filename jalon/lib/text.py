"""Text compared as people read it: "Zoé", "ZOE" and "zoe" are the same word."""

import unicodedata


def folded(text: str) -> str:
    """`text` without its accents (NFKD, combining marks dropped) and case-folded."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
