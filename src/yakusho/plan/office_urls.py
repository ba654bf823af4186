from django.urls import path  # noqa: F401

app_name = "office_plan"

urlpatterns: list = []
