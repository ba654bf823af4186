from django.urls import path

from . import views

app_name = "office"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("components/", views.components, name="components"),
    path("counter/", views.counter, name="counter"),
    path("counter/residents/<int:pk>/", views.counter_resident, name="counter_resident"),
    path("audit/", views.audit, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("staff/", views.staff_list, name="staff_list"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path(
        "staff/<int:pk>/assignments/<int:assignment>/remove/",
        views.staff_unassign,
        name="staff_unassign",
    ),
    path("staff/<int:pk>/reset-mfa/", views.staff_reset_mfa, name="staff_reset_mfa"),
]
