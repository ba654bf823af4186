from django.urls import path

from . import office_views

app_name = "office_payments"

urlpatterns = [
    path("", office_views.charges, name="charges"),
    path("reconcile/", office_views.reconcile, name="reconcile"),
    path("export.csv", office_views.export, name="export"),
    path("<str:reference>/", office_views.charge, name="charge"),
    path("<str:reference>/refund/", office_views.refund, name="refund"),
    path("<str:reference>/cancel/", office_views.cancel, name="cancel"),
    path("<str:reference>/counter/", office_views.counter, name="counter"),
]
