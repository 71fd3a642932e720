"""Table 1 on screen and in files in both languages, the resources endpoint serving the same numbers, the
programme's money page showing original and converted amounts, pinned query counts."""

import io

from openpyxl import load_workbook

ILO = "ilo-tc-2010-2015"


def test_the_resources_endpoint_serves_table_one_numbers(demo, client):
    response = client.get(f"/api/v1/programmes/{ILO}/resources/?period=2010-11")
    assert response.status_code == 200
    (period,) = response.json()["periods"]
    rows = {row["code"]: row for row in period["outcomes"]}
    assert [rows[c]["available"] for c in "123"] == ["3600000.00", "3600000.00", "4800000.00"]
    assert [rows[c]["gap"] for c in "123"] == ["0.00", "0.00", "1480000.00"]
    assert [rows[c]["share"] for c in "123"] == ["30.00", "30.00", "40.00"]
    assert rows["1"]["delivery_rate"] == "83.33" and period["currency"] == "USD"


def test_the_figures_are_also_given_per_fund_and_add_up_to_the_outcomes(demo, client):
    from decimal import ROUND_HALF_UP, Decimal

    (period,) = client.get(f"/api/v1/programmes/{ILO}/resources/?period=2010-11").json()["periods"]
    funds = {row["code"]: row for row in period["funds"]}
    assert set(funds) == {"rbsa", "xbdc"}
    for name in ("allocated", "spent", "committed"):
        assert sum(Decimal(row[name]) for row in funds.values()) == sum(
            Decimal(row[name]) for row in period["outcomes"]
        ), name
    for row in funds.values():
        expected = (Decimal(row["spent"]) * 100 / Decimal(row["allocated"])).quantize(Decimal("0.01"), ROUND_HALF_UP)
        assert Decimal(row["delivery_rate"]) == expected
    page = client.get(f"/fr/finance/{ILO}/").content.decode()
    assert "Par fonds, 2010-11" in page and "CT extrabudgétaire (démo)" in page


def test_table_one_on_screen_and_in_files_in_french_and_english(demo, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(40):
        page = client.get(f"/fr/finance/{ILO}/table-1/?period=2010-11")
    text = page.content.decode()
    assert "Mobilisation de ressources" in text and "1\xa0480\xa0000" in text and "Aucun" in text
    assert "Résultat</th>" in text and "Déficit de ressources</th>" in text  # the headers as seed 004 prints them
    english = client.get(f"/en/finance/{ILO}/table-1/?period=2010-11").content.decode()
    assert "Resource mobilization" in english and "1,480,000" in english
    csv_fr = client.get(f"/fr/finance/{ILO}/table-1/?period=2010-11&format=csv&lang=fr").content.decode()
    assert "Déficit de ressources (USD)" in csv_fr and "1480000.00" in csv_fr
    xlsx = client.get(f"/en/finance/{ILO}/table-1/?period=2010-11&format=xlsx&lang=en").content
    sheet = load_workbook(io.BytesIO(xlsx)).worksheets[0]
    assert [sheet.cell(row=r, column=3).value for r in (2, 3, 4)] == [3600000, 3600000, 4800000]
    assert [sheet.cell(row=r, column=5).value for r in (2, 3, 4)] == [0, 0, 1480000]


def test_contributions_show_the_original_and_the_converted_amount_with_its_rate(demo, client_as):
    response = client_as("viewer").get("/en/finance/itu-res44/contributions/")
    text = response.content.decode()
    assert "10,000,000.00 XOF" in text and "655.957" in text
    assert "150,000.00 CHF" in text and "European Central Bank" in text


def test_the_money_page_keeps_a_constant_number_of_queries(demo, client, django_assert_max_num_queries):
    with django_assert_max_num_queries(80):
        response = client.get(f"/en/finance/{ILO}/")
    assert response.status_code == 200 and "<svg" in response.content.decode()


def test_ledger_lists_and_endpoints_keep_a_constant_number_of_queries(demo, client_as, django_assert_max_num_queries):
    client = client_as("viewer")
    for path in (
        f"/en/finance/{ILO}/contributions/",
        f"/en/finance/{ILO}/spending/",
        f"/en/finance/{ILO}/proposals/",
        "/api/v1/finance-contributions/",
        "/api/v1/finance-spending/",
        "/api/v1/finance-allocations/",
        "/api/v1/finance-proposals/",
        "/api/v1/finance-funds/",
        "/api/v1/finance-contributors/",
    ):
        with django_assert_max_num_queries(25):
            assert client.get(path).status_code == 200, path


def test_funds_follow_the_figures_and_contributors_follow_the_contributions(demo, client_as):
    from jalon.finance.models import Contributor, Fund

    ilo_funds = set(Fund.objects.filter(programme__code=ILO).values_list("code", flat=True))
    viewer = client_as("viewer").get(f"/api/v1/finance-funds/?programme={ILO}&page_size=100").json()
    assert {row["code"] for row in viewer["results"]} == ilo_funds and viewer["results"][0]["name"]["en"]
    contributors = client_as("viewer").get("/api/v1/finance-contributors/?page_size=100").json()
    assert {row["id"] for row in contributors["results"]} == set(Contributor.objects.values_list("pk", flat=True))
    assert all(row["source_type"] and row["source_type_name"] for row in contributors["results"])
    # The public never learns who gives money (a ledger fact), and sees funds only of published figures.
    client = client_as(None)
    assert client.get("/api/v1/finance-contributors/").json()["count"] == 0
    public_funds = client.get("/api/v1/finance-funds/?page_size=100").json()["results"]
    assert all(Fund.objects.get(pk=row["id"]).programme.finance_settings.published for row in public_funds)


def test_a_bad_value_in_the_api_is_a_400_with_the_reason_never_a_500(demo, client_as):
    import json

    from jalon.finance.models import Fund
    from jalon.results.models import Period, Result

    fund = Fund.objects.get(programme__code=ILO, code="xbdc")
    earmarked = fund.contributions.get(reference="DEMO-XB-2010-01")
    response = client_as("manager").post(
        "/api/v1/finance-allocations/",
        data=json.dumps({
            "programme": ILO, "fund": fund.pk, "contribution": earmarked.pk,
            "result": Result.objects.get(programme__code=ILO, code="3").pk,
            "period": Period.objects.get(programme__code=ILO, code="2012-13").pk, "amount": "10", "currency": "USD",
        }),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 400 and "earmarked for 1" in json.dumps(response.json())
    bad_currency = client_as("manager").post(
        "/api/v1/finance-contributions/",
        data=json.dumps({"programme": ILO, "fund": fund.pk, "contributor": earmarked.contributor_id, "amount": "5",
                         "currency": "XYZ", "value_date": "2012-01-01"}),
        content_type="application/json",
    )  # fmt: skip
    assert bad_currency.status_code == 400
