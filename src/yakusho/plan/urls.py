from django.urls import path

from . import public_views

app_name = "plan"

urlpatterns = [
    path("", public_views.index, name="index"),
    path("years/<int:year>/", public_views.year, name="year"),
    path("years/<int:year>/report.pdf", public_views.report_pdf, name="report_pdf"),
    path("minutes/", public_views.minutes_list, name="minutes"),
    path("minutes/<int:pk>/", public_views.minutes_detail, name="minutes_detail"),
]
