"""Check the French catalogue: every entry translated, none fuzzy, and the compiled .mo in step with the .po.

Run by `python3 tasks.py check` (and so by CI): `python -m jalon.web.catalogue`.
"""

import sys
from pathlib import Path

import polib

LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"


def catalogue_problems(language: str = "fr") -> list[str]:
    problems = []
    po_path = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    if not po_path.exists():
        return [f"{po_path} is missing"]
    po = polib.pofile(str(po_path))
    for entry in po.untranslated_entries():
        problems.append(f"untranslated: {entry.msgid!r} ({entry.occurrences[:1]})")
    for entry in po.fuzzy_entries():
        problems.append(f"fuzzy: {entry.msgid!r}")
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        problems.append(f"{mo_path} is missing: run `jalon compilemessages`")
    else:
        compiled = {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in polib.mofile(str(mo_path))
        }
        for entry in po.translated_entries():
            key = (entry.msgctxt, entry.msgid)
            if compiled.get(key) != (entry.msgstr, tuple(sorted(entry.msgstr_plural.items()))):
                problems.append(f"{mo_path.name} is out of date for {entry.msgid!r}: run `jalon compilemessages`")
                break
    return problems


if __name__ == "__main__":
    found = catalogue_problems()
    for problem in found:
        print(problem)
    if found:
        sys.exit(f"French catalogue: {len(found)} problem(s)")
    print("French catalogue complete.")
