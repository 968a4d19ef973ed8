from django.urls import path

from tide.coordination import views

app_name = "coordination"
urlpatterns = [
    path("", views.home, name="home"),
    path("refer", views.refer_start, name="refer-start"),
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/refer", views.refer, name="refer"),
    path("people/<int:pk>/contacts/new", views.contact_create, name="contact-create"),
    path("people/<int:pk>/contacts/quick", views.contact_quick, name="contact-quick"),
    path("requests", views.requests, name="requests"),
    path("people/<int:pk>/allocate", views.allocate, name="allocate"),
    path("people/<int:pk>/plan/new", views.plan_create, name="plan-create"),
    path("people/<int:pk>/plan/comments-read", views.plan_comments_read, name="plan-comments-read"),
    path("people/<int:pk>/services/new", views.service_request, name="service-request"),
    path("people/<int:pk>/safeguarding/new", views.safeguarding_create, name="safeguarding-create"),
    path("people/<int:pk>/assessments/new", views.assessment_create, name="assessment-create"),
    path("people/<int:pk>/cpa", views.cpa_create, name="cpa-create"),
    path("people/<int:pk>/exit", views.exit_create, name="exit"),
    path("services/<int:pk>/update", views.service_update, name="service-update"),
    path("safeguarding/<int:pk>/decision", views.safeguarding_decide, name="safeguarding-decide"),
    path("assessments/<int:pk>/outcome", views.assessment_outcome, name="assessment-outcome"),
    path("death-reviews/<int:pk>/", views.death_review, name="death-review"),
    path("meetings/", views.meetings, name="meetings"),
    path("meetings/<int:pk>/", views.meeting, name="meeting"),
    path("meetings/<int:pk>/agenda/send", views.meeting_agenda_send, name="meeting-agenda-send"),
    path("meetings/<int:pk>/attendance", views.attendance, name="attendance"),
    path("meetings/<int:pk>/decisions/new", views.decision_create, name="decision-create"),
    path("meetings/<int:pk>/referrals/<int:referral_pk>/decide", views.decide, name="decide"),
    path("meetings/<int:pk>/declines/<int:involvement_pk>/resolve", views.decline_resolve, name="decline-resolve"),
    path("meetings/<int:pk>/actions/new", views.action_create, name="action-create"),
    path("meetings/<int:pk>/minutes", views.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes.csv", views.minutes_csv, name="minutes-csv"),
    path("meetings/<int:pk>/minutes.docx", views.minutes_docx, name="minutes-docx"),
    path("actions/<int:pk>/done", views.action_done, name="action-done"),
    path("overdue", views.overdue, name="overdue"),
]
