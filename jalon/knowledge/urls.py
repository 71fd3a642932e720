from django.urls import URLPattern, URLResolver, path

from jalon.knowledge import forum_views, roster_views, search_views

app_name = "knowledge"

urlpatterns: list[URLPattern | URLResolver] = []

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
    path("activities/<slug:code>/trainers/", roster_views.activity_trainers, name="activity_trainers"),
]

# Search across the knowledge app.
urlpatterns += [path("search/", search_views.search_page, name="search")]
