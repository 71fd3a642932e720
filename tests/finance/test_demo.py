from jalon.finance.demo import finance_demo_build
from jalon.finance.models import Allocation, Contribution, ExchangeRate, Proposal, Spending


def test_the_demo_runs_twice_without_duplicating_and_is_labelled(demo, users):
    counts = [m.objects.count() for m in (Contribution, Allocation, Spending, Proposal, ExchangeRate)]
    finance_demo_build(actor=users["manager"])
    assert [m.objects.count() for m in (Contribution, Allocation, Spending, Proposal, ExchangeRate)] == counts
    assert not Contribution.objects.filter(is_demo=False).exists()
    currencies = set(
        Contribution.objects.filter(programme__code__in=["iso-ap-2021-2025", "itu-res44"]).values_list(
            "currency", flat=True
        )
    )
    assert currencies == {"CHF", "EUR", "USD", "XOF"}
