from django.urls import path

from jalon.finance import views

app_name = "finance"

urlpatterns = [
    path("", views.index, name="index"),
    path("rates/", views.rates, name="rates"),
    path("rates/new/", views.rate_new, name="rate_new"),
    path("contributors/new/", views.contributor_new, name="contributor_new"),
    path("contributors/<int:pk>/", views.contributor, name="contributor"),
    path("contributors/<int:pk>/edit/", views.contributor_edit, name="contributor_edit"),
    path("source-types/", views.source_types, name="source_types"),
    path("imports/<int:pk>/", views.job, name="job"),
    path("<slug:code>/", views.programme, name="programme"),
    path("<slug:code>/table-1/", views.table_one, name="table_one"),
    path("<slug:code>/settings/", views.settings_edit, name="settings"),
    path("<slug:code>/criteria/", views.criteria, name="criteria"),
    path("<slug:code>/contributions/", views.contributions, name="contributions"),
    path("<slug:code>/contributions/new/", views.contribution_new, name="contribution_new"),
    path("<slug:code>/contributions/<int:pk>/", views.contribution_detail, name="contribution_detail"),
    path("<slug:code>/contributions/<int:pk>/receipts/", views.receipt_new, name="receipt_new"),
    path("<slug:code>/contributions/<int:pk>/status/", views.contribution_status, name="contribution_status"),
    path("<slug:code>/contributions/<int:pk>/edit/", views.contribution_edit, name="contribution_edit"),
    path("<slug:code>/allocations/new/", views.allocation_new, name="allocation_new"),
    path("<slug:code>/allocations/<int:pk>/edit/", views.allocation_edit, name="allocation_edit"),
    path("<slug:code>/requirements/new/", views.requirement_new, name="requirement_new"),
    path("<slug:code>/budgets/new/", views.budget_new, name="budget_new"),
    path("<slug:code>/planned-disbursements/new/", views.planned_disbursement_new, name="planned_disbursement_new"),
    path("<slug:code>/spending/", views.spendings, name="spendings"),
    path("<slug:code>/spending/new/", views.spending_new, name="spending_new"),
    path("<slug:code>/spending/<int:pk>/reverse/", views.spending_reverse, name="spending_reverse"),
    path("<slug:code>/import/", views.ledger_import, name="ledger_import"),
    path("<slug:code>/proposals/", views.proposals, name="proposals"),
    path("<slug:code>/proposals/new/", views.proposal_new, name="proposal_new"),
    path("<slug:code>/proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("<slug:code>/proposals/<int:pk>/action/", views.proposal_action, name="proposal_action"),
    path("<slug:code>/proposals/<int:pk>/fund/", views.proposal_fund, name="proposal_fund"),
]
