from django.urls import path

from tide.accountability import views

app_name = "accountability"
urlpatterns = [
    # Public
    path("inquiries/ask", views.inquiry_ask, name="inquiry-ask"),
    path("inquiries/sent", views.inquiry_sent, name="inquiry-sent"),
    path("inquiries/register/", views.inquiry_register, name="inquiry-register"),
    path("inquiries/register/<str:reference>", views.inquiry_published, name="inquiry-published"),
    path("statistics/", views.statistics, name="statistics"),
    path("accessibility", views.accessibility_statement, name="accessibility"),
    path("privacy", views.privacy_notice, name="privacy"),
    path("cookies", views.cookies, name="cookies"),
    path("account/forgotten-password", views.password_forgotten, name="password-forgotten"),
    path("account/forgotten-password/sent", views.password_forgotten_sent, name="password-forgotten-sent"),
    # Staff
    path("accountability/", views.overview, name="overview"),
    path("accountability/inquiries/", views.inquiry_list, name="inquiry-list"),
    path("accountability/inquiries/<int:pk>/", views.inquiry_detail, name="inquiry-detail"),
    path("accountability/inquiries/<int:pk>/answer", views.inquiry_answer, name="inquiry-answer"),
    path("accountability/inquiries/<int:pk>/publish", views.inquiry_publish, name="inquiry-publish"),
    path("accountability/break-glass/", views.break_glass_list, name="break-glass-list"),
    path("accountability/break-glass/<int:pk>/", views.break_glass_review, name="break-glass-review"),
    path("accountability/break-glass/person/<int:person_pk>", views.break_glass, name="break-glass"),
    path("accountability/subject-access/", views.sar_list, name="sar-list"),
    path("accountability/subject-access/<int:pk>/", views.sar_detail, name="sar-detail"),
    path("accountability/subject-access/<int:pk>/<slug:step>", views.sar_step, name="sar-step"),
    path("accountability/subject-access/<int:pk>/export.json", views.sar_download, name="sar-download"),
    path("accountability/access-policy", views.access_policy, name="access-policy"),
    path("accountability/people/<int:pk>/sign-in", views.person_sign_in, name="person-sign-in"),
    path("my-record/", views.my_record, name="my-record"),
    path("my-record/contact", views.my_contact, name="my-contact"),
    path("my-record/sharing/<int:agency_pk>", views.my_sharing, name="my-sharing"),
    path("my-plan/", views.my_plan, name="my-plan"),
]
