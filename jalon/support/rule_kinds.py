"""The registry of eligibility rule kinds: what a kind is (its title, the schemes it applies to, its parameters
with their defaults, the outcome of a failure by default) and how a rule's stored parameters are checked.

The kinds themselves, with their checks, are written in rules.py, which fills this registry when it is
imported (the app's ready() imports it). This module imports nothing else of the app: models.py reads the
registry to name a configured rule and to validate it, and so never imports rules.py, which imports models."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    """What a failed rule does to the application."""

    REFUSE = "refuse", _("Refuses the application")
    FLAG = "flag", _("Flags it for the reviewer")


@dataclass(frozen=True)
class Param:
    name: str
    type: type  # int, bool or list
    default: object
    label: str | Promise
    minimum: int = 0
    choices: tuple = ()  # for lists: the values allowed


@dataclass(frozen=True)
class RuleKind:
    key: str
    title: str | Promise
    description: str | Promise
    schemes: frozenset
    check: Callable
    outcome: str = Outcome.REFUSE
    params: tuple[Param, ...] = ()

    def defaults(self) -> dict:
        return {param.name: param.default for param in self.params}


KINDS: dict[str, RuleKind] = {}


def kind(**options) -> Callable:
    """Register the decorated check as the rule kind `options["key"]`."""

    def register(check: Callable) -> Callable:
        KINDS[options["key"]] = RuleKind(check=check, **options)
        return check

    return register


def clean_params(kind: RuleKind, params) -> dict:
    """The parameters as stored: known names only, each of the right type. Raises ValidationError."""
    if params in (None, ""):
        return {}
    if not isinstance(params, dict):
        raise ValidationError({"params": _("Parameters must be an object of names and values.")})
    known = {param.name: param for param in kind.params}
    errors = []
    cleaned: dict[str, object] = {}
    for name, value in params.items():
        param = known.get(name)
        if param is None:
            errors.append(_("Unknown parameter “%(name)s” for this rule.") % {"name": name})
        elif param.type is bool:
            if not isinstance(value, bool):
                errors.append(_("“%(name)s” must be true or false.") % {"name": name})
            else:
                cleaned[name] = value
        elif param.type is int:
            if isinstance(value, bool) or not isinstance(value, int) or value < param.minimum:
                errors.append(
                    _("“%(name)s” must be a whole number of at least %(minimum)s.")
                    % {"name": name, "minimum": param.minimum}
                )
            else:
                cleaned[name] = value
        elif param.type is list:
            if not isinstance(value, list) or any(item not in param.choices for item in value):
                errors.append(
                    _("“%(name)s” must be a list of: %(choices)s.")
                    % {"name": name, "choices": ", ".join(param.choices)}
                )
            else:
                cleaned[name] = value
    if errors:
        raise ValidationError({"params": errors})
    return cleaned


def cleaned_rule_params(*, scheme: str, kind_key: str, params) -> dict:
    """A configured rule checked against the registry: its kind exists and applies to its scheme, and its
    parameters fit the kind. The cleaned parameters, or ValidationError."""
    rule_kind = KINDS.get(kind_key)
    if rule_kind is None:
        raise ValidationError({"kind": _("Unknown rule: %(kind)s.") % {"kind": kind_key}})
    if scheme not in rule_kind.schemes:
        raise ValidationError({"kind": _("This rule does not apply to this scheme.")})
    return clean_params(rule_kind, params)


def kind_title(kind_key: str) -> str:
    rule_kind = KINDS.get(kind_key)
    return str(rule_kind.title) if rule_kind else kind_key
