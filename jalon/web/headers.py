"""Security headers on every page: a Content-Security-Policy the pages satisfy, a Permissions-Policy, and
`Cache-Control: no-store` on what a signed-in person sees (their pages may carry personal data: names,
e-mail addresses, applications), so that no shared cache or browser history keeps it.

The pages have no inline script and no style attribute (charts are SVG with attributes, bars are SVG), so
the policy allows only the site's own files. The Django admin, which uses a few style attributes, gets
inline styles but no inline script."""

from django.utils.cache import add_never_cache_headers

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}
ADMIN_POLICY = POLICY | {"style-src": "'self' 'unsafe-inline'"}
# Nothing in jalon uses these powerful features: refused to the page and to anything it would embed.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


def _policy(rules: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in rules.items())


POLICY_HEADER, ADMIN_POLICY_HEADER = _policy(POLICY), _policy(ADMIN_POLICY)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        admin = match is not None and match.app_name == "admin"
        response.headers.setdefault("Content-Security-Policy", ADMIN_POLICY_HEADER if admin else POLICY_HEADER)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response.headers:
            add_never_cache_headers(response)  # no-cache, no-store, must-revalidate, private
        return response
