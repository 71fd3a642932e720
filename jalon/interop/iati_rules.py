"""The IATI Validator's own rules, applied to an IATI document: the rulesets (standard.json, JS edition of
IATI/IATI-Rulesets) and the codelist conditions (IATI-Validator-Codelists), shipped in data/iati/validator
with their provenance.

A ruleset maps a context XPath to rule names, each with cases; every element the context selects is
checked by every case. The rule types are those of the ruleset specification (SPEC_JS.rst): atleast_one,
no_more_than_one, only_one_of, one_or_all, dependent, sum, strict_sum, range, date_order, date_now,
time_limit, between_dates, regex_matches, regex_no_matches, startswith, unique, no_spaces, if_then and
loop. A case's `condition` that is false skips it. `idCondition` asks the IATI Registry, which jalon does
not call: such cases run as if the identifier were not a registered one (the stricter reading).

XPath 1.0 through lxml: the rulesets are written for it.
"""

import csv
import datetime
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from lxml import etree

DATA = Path(__file__).parent / "data" / "iati" / "validator"
CODELISTS = Path(__file__).parent / "data" / "iati" / "codelists"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


@dataclass(frozen=True)
class Finding:
    """A broken rule: its id and severity in the Validator's table, its message, where it was found."""

    rule_id: str
    severity: str  # "error", "warning", "info"...
    message: str
    xpath: str
    line: int | None = None


class RuleError(ValueError):
    """A ruleset this evaluator cannot run (an unknown rule type): a defect of the ruleset, not of the file."""


@cache
def standard_ruleset() -> dict:
    return json.loads((DATA / "standard.json").read_text(encoding="utf-8"))


@cache
def codelist_rules() -> dict:
    return json.loads((DATA / "codelist_rules.json").read_text(encoding="utf-8"))


@cache
def org_id_prefixes() -> tuple[str, ...]:
    """The registration agencies' codes (org-id.guide, as IATI's OrganisationRegistrationAgency codelist has
    them) that an organisation identifier must start with."""
    path = CODELISTS / "OrganisationRegistrationAgency.xml"
    if not path.exists():
        return ()
    tree = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True))
    return tuple(code.text.strip() for code in tree.iter("code") if code.text)


# Values ----------------------------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _xpath(path: str) -> Callable[[Any], Any]:
    """A ruleset's XPath compiled once (the file's thousands of activities evaluate the same few hundred paths;
    a loop's substituted paths vary with the codes met, hence the bound). Strings come back plain: nothing here
    asks a string result for its parent."""
    return etree.XPath(path, smart_strings=False)


def _nodes(context, path: str) -> list:
    result = _xpath(path)(context)
    if isinstance(result, list):
        return result
    return [result] if result not in (None, "", False) else []


def _text(node) -> str:
    if isinstance(node, str):  # an attribute value or a string result
        return str(node)
    if isinstance(node, etree._Element):
        return "".join(str(part) for part in node.itertext())
    return str(node)


def _texts(context, paths: Iterable[str]) -> list[str]:
    return [_text(node) for path in paths for node in _nodes(context, path)]


def _true(context, expression: str) -> bool:
    return bool(_xpath(expression)(context))


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        return None


def _date(text: str, today: datetime.date) -> datetime.date | None:
    if text == "NOW":
        return today
    try:
        return datetime.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def _dates(context, path: str, today: datetime.date) -> list[datetime.date]:
    if path == "NOW":
        return [today]
    return [found for text in _texts(context, [path]) if (found := _date(text, today)) is not None]


def _year_later(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


# Rule types: each answers whether the case passes on the context element ------------------------------------------


def _atleast_one(context, case, today) -> bool:
    return any(_nodes(context, path) for path in case.get("paths", []))


def _no_more_than_one(context, case, today) -> bool:
    return sum(len(_nodes(context, path)) for path in case.get("paths", [])) <= 1


def _only_one_of(context, case, today) -> bool:
    found = [path for path in case.get("paths", []) if _nodes(context, path)]
    if any(_nodes(context, path) for path in case.get("excluded", [])):
        return not found
    return len(found) == 1


def _one_or_all(context, case, today) -> bool:
    if _nodes(context, case["one"]):
        return True
    what = case["all"]
    if what == "lang":
        return all(narrative.get(XML_LANG) for narrative in context.iter("narrative"))
    if what == "sector":
        return all(transaction.find("sector") is not None for transaction in context.iter("transaction"))
    if what == "currency":
        return all(el.get("currency") for el in context.iter("value", "forecast", "loan-status"))
    raise RuleError(f"one_or_all: unknown 'all' {what!r}")


def _dependent(context, case, today) -> bool:
    present = [bool(_nodes(context, path)) for path in case.get("paths", [])]
    return not any(present) or all(present)


def _sum(context, case, today) -> bool:
    texts = _texts(context, case.get("paths", []))
    values = [value for text in texts if (value := _decimal(text)) is not None]
    if not texts:
        return True
    if len(values) != len(texts):
        return False
    return sum(values, Decimal(0)) == Decimal(str(case["sum"]))


def _range(context, case, today) -> bool:
    low, high = Decimal(str(case.get("min", "-Infinity"))), Decimal(str(case.get("max", "Infinity")))
    for text in _texts(context, case.get("paths", [])):
        value = _decimal(text)
        if value is None or not (low <= value <= high):
            return False
    return True


def _date_order(context, case, today) -> bool:
    less, more = _dates(context, case["less"], today), _dates(context, case["more"], today)
    return all(early <= late for early in less for late in more)


def _date_now(context, case, today) -> bool:
    return all(day <= today for day in _dates(context, case["date"], today))


def _time_limit(context, case, today) -> bool:
    starts, ends = _dates(context, case["start"], today), _dates(context, case["end"], today)
    return all(end <= _year_later(start) for start, end in zip(starts, ends, strict=False))


def _between_dates(context, case, today) -> bool:
    starts, ends = _dates(context, case["start"], today), _dates(context, case["end"], today)
    if not starts or not ends:
        return True
    return all(min(starts) <= day <= max(ends) for day in _dates(context, case["date"], today))


def _regex_matches(context, case, today) -> bool:
    pattern = re.compile(case["regex"])
    return all(pattern.search(text) for text in _texts(context, case.get("paths", [])))


def _regex_no_matches(context, case, today) -> bool:
    pattern = re.compile(case["regex"])
    return not any(pattern.search(text) for text in _texts(context, case.get("paths", [])))


def _startswith(context, case, today) -> bool:
    if "prefix" in case:
        prefixes: list[str] = []
        for path in case["prefix"]:
            prefixes.extend(org_id_prefixes() if path == "ORG-ID-PREFIX" else _texts(context, [path]))
    else:
        prefixes = _texts(context, [case["start"]])
    separator = case.get("separator", "")
    texts = _texts(context, case.get("paths", []))
    if not prefixes:
        return not texts
    return all(any(text.startswith(prefix + separator) for prefix in prefixes) for text in texts)


def _unique(context, case, today) -> bool:
    texts = _texts(context, case.get("paths", []))
    return len(texts) == len(set(texts))


def _no_spaces(context, case, today) -> bool:
    return all(text == text.strip() for text in _texts(context, case.get("paths", [])))


def _if_then(context, case, today) -> bool:
    return not _true(context, case["if"]) or _true(context, case["then"])


RULES = {
    "atleast_one": _atleast_one,
    "no_more_than_one": _no_more_than_one,
    "only_one_of": _only_one_of,
    "one_or_all": _one_or_all,
    "dependent": _dependent,
    "sum": _sum,
    "strict_sum": _sum,
    "range": _range,
    "date_order": _date_order,
    "date_now": _date_now,
    "time_limit": _time_limit,
    "between_dates": _between_dates,
    "regex_matches": _regex_matches,
    "regex_no_matches": _regex_no_matches,
    "startswith": _startswith,
    "unique": _unique,
    "no_spaces": _no_spaces,
    "if_then": _if_then,
}


def _substituted(case: dict, keys: Iterable[str], value: str) -> dict:
    def put(item):
        if isinstance(item, str):
            return item.replace("$1", value)
        if isinstance(item, list):
            return [put(part) for part in item]
        return item

    return {key: (put(item) if key in keys else item) for key, item in case.items()}


def _broken(context, rule: str, case: dict, today) -> Iterator[dict]:
    """The cases of `rule` that fail on `context` (a loop yields the failing cases of its body)."""
    if "condition" in case and not _true(context, case["condition"]):
        return
    if rule == "loop":
        values = dict.fromkeys(_texts(context, [case["foreach"]]))
        for value in values:
            for inner, body in case["do"].items():
                for inner_case in body["cases"]:
                    yield from _broken(context, inner, _substituted(inner_case, case.get("subs", []), value), today)
        return
    check = RULES.get(rule)
    if check is None:
        raise RuleError(f"unknown rule type {rule!r}")
    if not check(context, case, today):
        yield case


def ruleset_check(document, ruleset: dict, *, today: datetime.date | None = None) -> list[Finding]:
    """Every broken case of `ruleset` on `document` (an lxml tree or root), in document order."""
    today = today or datetime.date.today()
    root = document.getroot() if hasattr(document, "getroot") else document
    tree = root.getroottree()
    findings = []
    for context_path, rules in ruleset.items():
        for context in _xpath(context_path)(root):
            for rule, body in rules.items():
                for case in body.get("cases", []):
                    for failed in _broken(context, rule, case, today):
                        info = failed.get("ruleInfo", {})
                        findings.append(
                            Finding(
                                rule_id=str(info.get("id", rule)),
                                severity=str(info.get("severity", "error")),
                                message=str(info.get("message", rule)),
                                xpath=tree.getpath(context),
                                line=context.sourceline,
                            )
                        )
    return findings


def _coded_value(element, attribute: str) -> str | None:
    if attribute == "text()":
        return element.text.strip() if element.text and element.text.strip() else None
    return element.get(XML_LANG if attribute == "xml:lang" else attribute)


def _codelist_rule(element, rule: dict) -> dict | None:
    """The rule a coded value answers to: a conditional one depends on another attribute (a vocabulary);
    a vocabulary outside the mapping (a publisher's own, 98/99) is not checked."""
    conditions = rule.get("conditions")
    if not conditions:
        return rule
    link = element.get(conditions["linkedAttribute"]) or conditions.get("defaultLink")
    return conditions["mapping"].get(link)


def codelist_check(document) -> list[Finding]:
    """Coded values that are not in their codelist, as the Validator reads the codelists (ids 9.x)."""
    root = document.getroot() if hasattr(document, "getroot") else document
    tree = root.getroottree()
    findings = []
    for context_path, attributes in codelist_rules().items():
        for element in _xpath(context_path)(root):
            for attribute, conditional in attributes.items():
                value = _coded_value(element, attribute)
                rule = _codelist_rule(element, conditional) if value is not None else None
                if rule is None or value in rule["allowedCodes"]:
                    continue
                findings.append(
                    Finding(
                        rule_id=rule["id"],
                        severity=rule["severity"],
                        message=f"{rule['message']} ({attribute}={value!r})",
                        xpath=tree.getpath(element),
                        line=element.sourceline,
                    )
                )
    return findings


EXSLT = {"re": "http://exslt.org/regular-expressions"}


@dataclass(frozen=True)
class TableRule:
    """A check of the Validator's rule table (data-quality-rules.csv) that neither ruleset nor codelist rules
    hold, its XPath 2/3 test rewritten in XPath 1.0 (table_rules.csv says how, row by row)."""

    rule_id: str
    severity: str
    message: str
    context: str
    test: str


@cache
def table_rules() -> tuple[TableRule, ...]:
    messages = {row["ID"]: row["Message"] for row in _csv_rows(DATA / "data-quality-rules.csv")}
    return tuple(
        TableRule(row["id"], row["severity"], messages[row["id"]], row["context_xpath1"], row["test_xpath1"])
        for row in _csv_rows(DATA / "table_rules.csv")
        if row["applied_by"] == "table_rules.csv"
    )


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def table_check(document) -> list[Finding]:
    """The rule table's own checks (table_rules.csv rows applied by it): a context the test holds on is broken.
    The test sees the context's text as $value (the table's current())."""
    root = document.getroot() if hasattr(document, "getroot") else document
    tree = root.getroottree()
    findings = []
    for rule in table_rules():
        for context in tree.xpath(rule.context, namespaces=EXSLT):
            if context.xpath(rule.test, namespaces=EXSLT, value=_text(context).strip()):
                findings.append(
                    Finding(rule.rule_id, rule.severity, rule.message, tree.getpath(context), context.sourceline)
                )
    return findings


def validator_findings(document, *, today: datetime.date | None = None) -> list[Finding]:
    """What the IATI Validator's rules (standard ruleset, codelists and the rule table's own checks) say of an
    IATI activities document."""
    return ruleset_check(document, standard_ruleset(), today=today) + codelist_check(document) + table_check(document)
