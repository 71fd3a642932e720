"""Security headers: a Content-Security-Policy on every page, a Permissions-Policy, HSTS behind TLS, and no
cache of what a signed-in person sees."""

from django.urls import reverse

from jalon.web.headers import ADMIN_POLICY_HEADER, POLICY_HEADER


def test_every_page_carries_the_policy_that_allows_only_the_sites_own_files(client, db):
    response = client.get("/fr/")
    assert response["Content-Security-Policy"] == POLICY_HEADER
    assert "script-src 'self';" in POLICY_HEADER and "style-src 'self';" in POLICY_HEADER
    assert "unsafe-inline" not in POLICY_HEADER and "frame-ancestors 'none'" in POLICY_HEADER
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin"


def test_the_admin_gets_inline_styles_but_no_inline_script(client_as):
    response = client_as("admin").get(reverse("admin:index"))
    assert response["Content-Security-Policy"] == ADMIN_POLICY_HEADER
    assert "style-src 'self' 'unsafe-inline'" in ADMIN_POLICY_HEADER and "script-src 'self';" in ADMIN_POLICY_HEADER


def test_what_a_signed_in_person_sees_is_never_stored_and_public_pages_may_be(client, client_as, db):
    assert "no-store" not in client.get("/fr/").get("Cache-Control", "")
    private = client_as("focal").get("/fr/")
    assert "no-store" in private["Cache-Control"] and "private" in private["Cache-Control"]


def test_hsts_is_sent_over_tls_only(client, settings, db):
    settings.SECURE_HSTS_SECONDS = 31536000
    assert "Strict-Transport-Security" not in client.get("/fr/")
    secure = client.get("/fr/", secure=True)
    assert secure["Strict-Transport-Security"] == "max-age=31536000"


def test_no_page_template_holds_an_inline_script_or_a_style_attribute():
    """The policy would block them in the browser (tests/browser checks real pages for violations)."""
    import re
    from pathlib import Path

    import jalon

    offenders = []
    for path in Path(jalon.__file__).parent.rglob("*"):
        if path.suffix not in (".html", ".py") or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text) or re.search(r"""\bstyle=["'][^"']*:""", text):
            offenders.append(str(path))
    assert offenders == []
