"""Typed cell parsers, header matching in French and English, and the row-level report (jalon.interop.tabular)."""

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook

from jalon.interop.spreadsheets import CellError, FileRejected, Sheet
from jalon.interop.tabular import (
    CellInvalid,
    Choice,
    Column,
    Date,
    Email,
    Integer,
    Number,
    Report,
    Text,
    YesNo,
    normalise,
    number_read,
    report_csv,
    report_xlsx,
    table_parse,
    template_xlsx,
)
from jalon.organisations.models import Person
from jalon.reference.lookups import country_lookup

# The messages below are asserted in English, whatever the default language.
pytestmark = pytest.mark.usefixtures("english")


def invalid(parser, value) -> str:
    with pytest.raises(CellInvalid) as caught:
        parser(value)
    return caught.value.message


@pytest.mark.parametrize(
    ("value", "number"),
    [
        ("12.5", Decimal("12.5")),
        ("12,5", Decimal("12.5")),
        ("1 234,5", Decimal("1234.5")),
        ("1\u202f234,5", Decimal("1234.5")),
        ("1,234.5", Decimal("1234.5")),
        ("1.234,5", Decimal("1234.5")),
        ("-3", Decimal(-3)),
        (Decimal("70.5"), Decimal("70.5")),
        (7, Decimal(7)),
        (0.1, Decimal("0.1")),
    ],
)
def test_numbers_are_read_with_a_decimal_point_or_a_french_decimal_comma(value, number):
    assert number_read(value) == number


@pytest.mark.parametrize("value", ["abc", "1,2,3.4.5", "12e3", "", True])
def test_things_that_are_not_numbers_are_refused(value):
    assert invalid(number_read, value) == "Not a number."


def test_numbers_and_integers_keep_to_their_range():
    score = Number(Decimal(0), Decimal(100), 2)
    assert score("99,999") == Decimal("100.00") or score("99,994") == Decimal("99.99")
    assert invalid(score, "100,5") == "Must be between 0 and 100."
    satisfaction = Integer(1, 5)
    assert satisfaction("4") == 4 and satisfaction(Decimal("5")) == 5
    assert invalid(satisfaction, "4,5") == "Must be a whole number."
    assert invalid(satisfaction, 0) == "Must be between 1 and 5."
    assert satisfaction.options() == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2026-03-31", datetime.date(2026, 3, 31)),
        ("31/03/2026", datetime.date(2026, 3, 31)),
        ("1/3/2026", datetime.date(2026, 3, 1)),
        ("31.03.2026", datetime.date(2026, 3, 31)),
        ("31-03-2026", datetime.date(2026, 3, 31)),
        ("2026-03-31 00:00:00", datetime.date(2026, 3, 31)),
        (datetime.datetime(2026, 3, 31, 9, 30), datetime.date(2026, 3, 31)),
        (datetime.date(2026, 3, 31), datetime.date(2026, 3, 31)),
    ],
)
def test_dates_are_read_in_iso_or_day_first(value, date):
    assert Date()(value) == date


def test_impossible_or_unreadable_dates_are_explained():
    assert invalid(Date(), "31/02/2026") == "This date does not exist."
    assert invalid(Date(), "March 3rd") == "Not a date: write 2026-03-31 or 31/03/2026."
    assert invalid(Date(), "03/31/2026") == "This date does not exist.", "never month first"


@pytest.mark.parametrize(
    ("value", "answer"),
    [
        ("Oui", True),
        ("NON", False),
        ("yes", True),
        ("x", True),
        (True, True),
        ("0", False),
        (Decimal(1), True),
        ("vrai", True),
        ("Présente", True),
        ("attended", True),
        ("absent", False),
        ("A", False),
    ],
)
def test_yes_and_no_in_french_and_english(value, answer):
    assert YesNo()(value) is answer


def test_one_list_of_yes_and_no_words_per_language_serves_every_import():
    from jalon.interop.tabular import NO, NO_WORDS, YES, YES_WORDS

    assert set(YES_WORDS) == set(NO_WORDS) == {"fr", "en"}
    assert not YES & NO, "no word means both"
    assert {"oui", "present", "x"} <= YES and {"non", "absente", "0"} <= NO


def test_anything_else_is_not_a_yes_or_no():
    assert invalid(YesNo(), "maybe") == "Expected yes or no (oui or non)."


def test_choices_by_code_label_or_alias_in_either_language(settings):
    sex = Choice(Person.Sex.choices, {"f": "female", "femme": "female"})
    assert sex("female") == sex("Female") == sex("F") == sex("FEMME") == "female"
    assert sex("Prefer not to say") == "undisclosed"
    with translation.override("en"):
        message = invalid(sex, "unknown")
    assert message.startswith("Not one of the choices: Female, Male, Other")
    with translation.override("fr"):
        assert invalid(sex, "unknown") != message, "the reason is in the user's language"


def test_countries_by_iso3_iso2_or_name_in_french_or_english(db):
    countries = country_lookup()
    senegal = countries("SEN")
    assert countries("sn") == countries("Sénégal") == countries("senegal") == countries("Senegal") == senegal
    assert countries("Côte d'Ivoire") == countries("CIV") == countries("cote d ivoire")
    assert invalid(countries, "Atlantis").startswith("Unknown country")


def test_emails_and_text():
    assert Email()("mailto:a@example.org") == "a@example.org"
    assert invalid(Email(), "a@") == "Not a valid email address."
    assert Text(10)("  two   words ") == "two words"
    assert invalid(Text(3), "long") == "Too long: at most 3 characters."
    assert Text(10)(Decimal("12")) == "12"


def test_header_names_lose_accents_case_and_punctuation():
    assert normalise("  Prénom * ") == "prenom"
    assert normalise("E-MAIL") == "e mail"
    assert normalise("Séance 1 (02/03/2026)") == "seance 1 02 03 2026"


COLUMNS = [
    Column("given_name", {"en": "Given name", "fr": "Prénom"}, Text(100), True),
    Column("family_name", {"en": "Family name", "fr": "Nom"}, Text(100), True, ("surname",)),
    Column("score", {"en": "Score", "fr": "Note"}, Number(Decimal(0), Decimal(100))),
    Column("when", {"en": "Date", "fr": "Date"}, Date()),
]


def parse(rows, columns=COLUMNS, max_rows=100):
    report = Report()
    header, parsed = table_parse(Sheet(rows=iter(rows)), columns, report=report, max_rows=max_rows)
    return header, parsed, report


def test_headers_match_in_either_language_any_case_with_or_without_accents_and_required_marks():
    header, parsed, report = parse(
        [(1, []), (2, ["PRENOM *", "surname", "note", None]), (3, ["Zoé", "Diop", "12,5", None]), (4, [None, None])]
    )
    assert not report
    assert header.row == 2 and header.written == {"given_name": "PRENOM *", "family_name": "surname", "score": "note"}
    assert [(row.number, row.values) for row in parsed] == [
        (3, {"given_name": "Zoé", "family_name": "Diop", "score": Decimal("12.5")})
    ]


def test_every_bad_cell_is_reported_with_its_row_column_as_written_value_and_reason():
    _header, parsed, report = parse(
        [
            (1, ["Prénom", "Nom", "Note", "Date"]),
            (2, ["A", "B", "101", "31/02/2026"]),
            (3, ["", "C", CellError("#N/A"), "2026-01-01"]),
        ]
    )
    assert [error.as_dict() for error in report.errors] == [
        {"row": 2, "column": "Note", "value": "101", "message": "Must be between 0 and 100."},
        {"row": 2, "column": "Date", "value": "31/02/2026", "message": "This date does not exist."},
        {"row": 3, "column": "Note", "value": "#N/A", "message": "The cell holds a spreadsheet error (#N/A)."},
        {"row": 3, "column": "Prénom", "value": "", "message": "Required: this cell is empty."},
    ]
    assert len(parsed) == 2


def test_a_column_given_twice_is_reported():
    _header, _parsed, report = parse([(1, ["Prénom", "Given name", "Nom"]), (2, ["A", "A", "B"])])
    assert report.errors[0].message == "This column appears twice (also as “Prénom”)."


def test_the_report_keeps_a_bounded_list_but_counts_every_problem(monkeypatch):
    monkeypatch.setattr("jalon.interop.tabular.MAX_ERRORS_KEPT", 3)
    rows = [(1, ["Prénom", "Nom", "Note"])] + [(n, ["A", "B", "x"]) for n in range(2, 12)]
    _header, _parsed, report = parse(rows)
    assert report.count == 10 and len(report.errors) == 3


def test_more_rows_than_allowed_stop_the_reading():
    rows = ((n, ["A", "B"]) if n > 1 else (1, ["Prénom", "Nom"]) for n in range(1, 10**9))
    with pytest.raises(FileRejected, match="more than 5 rows"):
        parse(rows, max_rows=5)


def test_a_file_with_only_blank_rows_or_only_a_header_is_refused():
    with pytest.raises(FileRejected, match="empty"):
        parse([(1, [None, " "]), (2, [])])
    with pytest.raises(FileRejected, match="header row but no rows of data"):
        parse([(1, ["Prénom", "Nom"]), (2, ["", None])])


def test_reports_download_as_csv_and_xlsx_with_formulas_defused():
    errors = [{"row": 4, "column": "Courriel", "value": "=HYPERLINK(1)", "message": "Adresse invalide."}]
    with translation.override("en"):
        content = report_csv(errors)
    assert content.decode("utf-8-sig").splitlines() == [
        "Row,Column,Value,Problem",
        "4,Courriel,'=HYPERLINK(1),Adresse invalide.",
    ]
    sheet = load_workbook(io.BytesIO(report_xlsx(errors))).active
    assert list(sheet.iter_rows(values_only=True))[1] == (4, "Courriel", "'=HYPERLINK(1)", "Adresse invalide.")


def test_the_xlsx_template_marks_required_columns_and_lists_choices_on_a_hidden_sheet():
    columns = [*COLUMNS, Column("ok", {"en": "OK", "fr": "OK"}, YesNo())]
    workbook = load_workbook(
        io.BytesIO(template_xlsx(columns, "fr", sheet_title="Data", instructions=["Read me"], example={"score": 5}))
    )
    data, lists, guide = workbook.worksheets
    assert [cell.value for cell in data[1]] == ["Prénom *", "Nom *", "Note", "Date", "OK"]
    assert data["C2"].value == 5
    assert lists.sheet_state == "hidden"
    validation = data.data_validations.dataValidation[0]
    assert str(validation.sqref) == "E2:E100001" and "$E$1:$E$2" in validation.formula1
    assert guide["A1"].value == "Read me"
