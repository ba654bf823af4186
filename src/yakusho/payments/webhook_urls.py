from django.urls import path

from . import views

urlpatterns = [path("<slug:provider>", views.webhook, name="payments_webhook")]
