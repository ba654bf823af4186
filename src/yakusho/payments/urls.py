from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("return/<uuid:key>/", views.payment_return, name="return"),
    path("receipts/<str:reference>/<str:token>/", views.receipt_verify, name="receipt_verify"),
    path("tax-bills/<str:number>/", views.tax_bill, name="tax_bill"),
    path("demo-provider/<str:ref>/", views.demo_sandbox, name="demo_sandbox"),
    path("demo-provider/<str:ref>/settle/", views.demo_settle, name="demo_settle"),
    path("<str:reference>/", views.charge_detail, name="charge"),
    path("<str:reference>/receipt.pdf", views.receipt, name="receipt"),
]
