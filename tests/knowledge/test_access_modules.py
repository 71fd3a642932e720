"""Knowledge decides who sees what in its access package only (DESIGN.md section 2: access modules are the only
place that reads roles), so that a rule is never written twice and drifts."""

import re
from pathlib import Path

KNOWLEDGE = Path(__file__).resolve().parents[2] / "jalon" / "knowledge"
READS_ROLES = re.compile(r"\bgrants_for\b|\bRole\.|\bRoleAssignment\b|\bORGANISATION_ROLES\b")


def test_roles_are_read_only_in_the_access_package():
    outside = [
        str(path.relative_to(KNOWLEDGE))
        for path in KNOWLEDGE.rglob("*.py")
        if path.parent.name not in ("access", "migrations") and READS_ROLES.search(path.read_text())
    ]
    assert outside == []
    assert (KNOWLEDGE / "access" / "forum.py").exists() and (KNOWLEDGE / "access" / "roster.py").exists()
