from django.urls import path

from tide.intake import views

app_name = "intake"
urlpatterns = [
    path("", views.index, name="index"),
    path("uploads/<int:pk>/", views.upload_result, name="upload-result"),
    path("uploads/<int:pk>/only-new", views.upload_only_new, name="upload-only-new"),
    path("files/<int:pk>/", views.file_detail, name="file-detail"),
    path("files/<int:pk>/summary/", views.file_summary, name="file-summary"),
    path("formats/", views.formats, name="formats"),
    path("formats/load", views.formats_load, name="formats-load"),
    path("formats/<slug:code>/", views.format_detail, name="format-detail"),
    path("feeds/", views.feeds, name="feeds"),
    path("feeds/<int:agency>/cadence", views.feed_setting, name="feed-setting"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke", views.token_revoke_view, name="token-revoke"),
    path("api/v1/extracts", views.api_extracts, name="api-extracts"),
    path("api/v1/jobs/<str:job>", views.api_job, name="api-job"),
    path("api/v1/openapi.json", views.api_openapi, name="api-openapi"),
]
