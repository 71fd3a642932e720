"""Access table rows for API tokens (see matrix.py): every signed-in person has a tokens page and revokes
only their own tokens; another person's token does not exist for them (404)."""

from jalon.api.models import ApiToken
from jalon.api.tokens import token_create
from tests.access.matrix import SIGNED_IN, Redirect, page, url

OWNER = frozenset({"manager"})
HIDDEN = dict.fromkeys(SIGNED_IN - OWNER, (404,))


def managers_token(ctx) -> ApiToken:
    return ctx.once("managers-token", lambda ctx: token_create(actor=ctx.users["manager"], name="Matrix")[0])


def revoked(ctx) -> bool:
    return ApiToken.objects.get(pk=managers_token(ctx).pk).revoked_at is not None


CASES = [
    page("API tokens: my tokens", "api_tokens:token_list", SIGNED_IN),
    page(
        "API tokens: make one",
        "api_tokens:token_list",
        SIGNED_IN,
        method="post",
        data=lambda ctx: {"name": "Matrix", "days": "30"},
    ),
    page(
        "API tokens: revoke one",
        "api_tokens:token_revoke",
        OWNER,
        method="post",
        kwargs=lambda ctx: {"pk": managers_token(ctx).pk},
        data=lambda ctx: {},
        ok=Redirect(lambda ctx: url("api_tokens:token_list"), "the tokens page"),
        refused_as=HIDDEN,
        effect=revoked,
    ),
]
