from django.urls import path

from . import builder_views, views

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
    path("procedures/", builder_views.procedures, name="procedures"),
    path("procedures/new/", builder_views.procedure_new, name="procedure_new"),
    path("procedures/import/", builder_views.import_file, name="procedure_import"),
    path("procedures/<slug:code>/", builder_views.procedure, name="procedure"),
    path("procedures/<slug:code>/edit/", builder_views.procedure_edit, name="procedure_edit"),
    path("procedures/<slug:code>/steps/", builder_views.step_add, name="step_add"),
    path("procedures/<slug:code>/steps/<slug:step>/", builder_views.step_edit, name="step"),
    path(
        "procedures/<slug:code>/steps/<slug:step>/fields/",
        builder_views.field_add,
        name="field_add",
    ),
    path(
        "procedures/<slug:code>/steps/<slug:step>/fields/<slug:key>/",
        builder_views.field_edit,
        name="field",
    ),
    path(
        "procedures/<slug:code>/steps/<slug:step>/action/",
        builder_views.item_action,
        name="item_action",
    ),
    path("procedures/<slug:code>/publish/", builder_views.publish, name="procedure_publish"),
    path("procedures/<slug:code>/unpublish/", builder_views.unpublish, name="procedure_unpublish"),
    path("procedures/<slug:code>/export/", builder_views.export, name="procedure_export"),
    path("procedures/<slug:code>/duplicate/", builder_views.duplicate, name="procedure_duplicate"),
]
