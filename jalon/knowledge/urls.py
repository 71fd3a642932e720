from django.urls import URLPattern, URLResolver, path

from jalon.knowledge import forum_views, roster_views, search_views
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
# The Q&A forum.
urlpatterns += [
    path("questions/", forum_views.thread_list, name="thread_list"),
    path("questions/ask/", forum_views.thread_ask, name="thread_ask"),
    path("questions/<int:pk>/", forum_views.thread_detail, name="thread_detail"),
    path("questions/<int:pk>/edit/", forum_views.question_edit, name="question_edit"),
    path("questions/<int:pk>/translate/", forum_views.question_translate, name="question_translate"),
    path("questions/<int:pk>/answers/", forum_views.answer_create, name="answer_create"),
    path("questions/<int:pk>/answers/<int:answer>/accept/", forum_views.answer_accept, name="answer_accept"),
    path("questions/<int:pk>/vote/", forum_views.vote, name="vote"),
    path("questions/<int:pk>/comments/", forum_views.comment_create, name="comment_create"),
    path("questions/<int:pk>/flags/", forum_views.flag_create, name="flag_create"),
    path("questions/<int:pk>/moderate/", forum_views.moderate, name="moderate"),
    path("questions/<int:pk>/attachments/", forum_views.attachment_create, name="attachment_create"),
    path(
        "questions/<int:pk>/attachments/<int:attachment>/",
        forum_views.attachment_download,
        name="attachment_download",
    ),
    path("inbox/", forum_views.inbox, name="inbox"),
    path("flags/", forum_views.flag_list, name="flag_list"),
    path("flags/<int:flag>/", forum_views.flag_handle, name="flag_handle"),
]

# The expert roster.
urlpatterns += [
    path("experts/", roster_views.expert_list, name="expert_list"),
    path("experts/invite/", roster_views.expert_invite, name="expert_invite"),
    path("experts/me/", roster_views.expert_me, name="expert_me"),
    path("experts/me/competencies/", roster_views.competency_create, name="competency_create"),
    path("experts/me/competencies/<int:pk>/delete/", roster_views.competency_delete, name="competency_delete"),
    path("experts/me/languages/", roster_views.language_create, name="language_create"),
    path("experts/me/languages/<int:pk>/delete/", roster_views.language_delete, name="language_delete"),
    path("experts/<int:pk>/", roster_views.expert_detail, name="expert_detail"),
    path("experts/<int:pk>/state/", roster_views.expert_state, name="expert_state"),
]

# Search across the knowledge app.
urlpatterns += [path("search/", search_views.search_page, name="search")]
