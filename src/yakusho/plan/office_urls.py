from django.urls import path

from . import views

app_name = "office_plan"

urlpatterns = [
    path("", views.index, name="index"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/evaluation/", views.evaluation_save, name="evaluation_save"),
    path("evaluations/<int:pk>/review/", views.evaluation_review, name="evaluation_review"),
    path("kpis/<int:pk>/actual/", views.kpi_actual, name="kpi_actual"),
    path("programs/<int:pk>/", views.program_detail, name="program"),
    path("reports/publish/", views.report_publish, name="report_publish"),
    path("bodies/", views.bodies, name="bodies"),
    path("bodies/members/", views.member_action, name="member_action"),
    path("meetings/new/", views.meeting_schedule, name="meeting_schedule"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/action/", views.meeting_action, name="meeting_action"),
]
