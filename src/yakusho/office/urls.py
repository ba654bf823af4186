from django.urls import path

from . import builder_views, case_views, counter_views, views

app_name = "office"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("components/", views.components, name="components"),
    path("counter/", views.counter, name="counter"),
    path("counter/residents/<int:pk>/", views.counter_resident, name="counter_resident"),
    path("counter/residents/<int:pk>/apply/", counter_views.start, name="counter_start"),
    path(
        "counter/residents/<int:pk>/life-events/<slug:code>/",
        counter_views.life_event,
        name="counter_life_event",
    ),
    path("counter/drafts/<uuid:key>/check/", counter_views.check, name="counter_check"),
    path("counter/drafts/<uuid:key>/discard/", counter_views.discard, name="counter_discard"),
    path("counter/drafts/<uuid:key>/<slug:step>/", counter_views.step, name="counter_step"),
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
    path("cases/", case_views.queue, name="queue"),
    path("cases/bulk/", case_views.bulk, name="bulk"),
    path("cases/stats/", case_views.stats, name="stats"),
    path("cases/<int:pk>/", case_views.case_detail, name="case"),
    path("cases/<int:pk>/transition/", case_views.case_transition, name="case_transition"),
    path("cases/<int:pk>/assign/", case_views.case_assign, name="case_assign"),
    path("cases/<int:pk>/message/", case_views.case_message, name="case_message"),
    path("cases/<int:pk>/charge/", case_views.case_charge, name="case_charge"),
    path("cases/<int:pk>/correction/", case_views.case_correction, name="case_correction"),
    path("cases/<int:pk>/decision/", case_views.case_decision, name="case_decision"),
    path(
        "cases/<int:pk>/decisions/<int:decision>/", case_views.case_approval, name="case_approval"
    ),
    path(
        "cases/<int:pk>/documents/<int:document>/", case_views.case_document, name="case_document"
    ),
    path(
        "cases/<int:pk>/handoffs/<int:delivery>/resend/", case_views.case_resend, name="case_resend"
    ),
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
    path("procedures/<slug:code>/handoff/", builder_views.handoff_add, name="handoff_add"),
    path(
        "procedures/<slug:code>/handoff/<int:target>/",
        builder_views.handoff_toggle,
        name="handoff_toggle",
    ),
]
