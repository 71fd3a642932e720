"""Record ids typed by people or programs: only those the database can be asked about."""

# The largest id both databases store (a signed 64-bit integer). A larger number in a query parameter or a
# form is refused as invalid; asked of SQLite it would raise an OverflowError (a server error).
MAX_ID = 2**63 - 1


def valid_id(value) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and 0 < int(text) <= MAX_ID
