from django.urls import URLPattern, URLResolver, path

from jalon.knowledge.views import lessons as lesson_views
from jalon.knowledge.views import library, products

app_name = "knowledge"

urlpatterns: list[URLPattern | URLResolver] = []

# Lessons learned and good practices.
urlpatterns += [
    path("lessons/", lesson_views.lesson_list, name="lesson_list"),
    path("lessons/new/", lesson_views.lesson_create, name="lesson_create"),
    path("lessons/<int:pk>/", lesson_views.lesson_detail, name="lesson_detail"),
    path("lessons/<int:pk>/edit/", lesson_views.lesson_edit, name="lesson_edit"),
    path("lessons/<int:pk>/evidence/", lesson_views.lesson_evidence, name="lesson_evidence"),
    path("lessons/<int:pk>/<slug:step>/", lesson_views.lesson_step, name="lesson_step"),
    path("lessons/cite/proposal/<int:pk>/", lesson_views.cite_on_proposal, name="cite_on_proposal"),
    path("lessons/cite/activity/<slug:code>/", lesson_views.cite_on_activity, name="cite_on_activity"),
]

# The resource library.
urlpatterns += [
    path("library/", library.resource_list, name="resource_list"),
    path("library/new/", library.resource_create, name="resource_create"),
    path("library/<int:pk>/", library.resource_detail, name="resource_detail"),
    path("library/<int:pk>/edit/", library.resource_edit, name="resource_edit"),
    path("library/<int:pk>/files/", library.resource_file, name="resource_file"),
    path("library/<int:pk>/publish/", library.resource_publish, name="resource_publish"),
    path("library/<int:pk>/download/<slug:language>/", library.resource_download, name="resource_download"),
]

# Technologies and conforming products.
urlpatterns += [
    path("products/", products.product_list, name="product_list"),
    path("products/new/", products.product_create, name="product_create"),
    path("products/technologies/", products.technology_list, name="technology_list"),
    path("products/technologies/new/", products.technology_create, name="technology_create"),
    path("products/laboratories/new/", products.laboratory_create, name="laboratory_create"),
    path("products/claims/", products.claims_followed, name="claims_followed"),
    path("products/claims/new/", products.claim_create, name="claim_create"),
    path("products/claims/<int:pk>/", products.claim_detail, name="claim_detail"),
    path("products/claims/<int:pk>/evidence/", products.claim_evidence, name="claim_evidence"),
    path("products/claims/<int:pk>/<slug:step>/", products.claim_step, name="claim_step"),
]
