from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.home, name="home"),
    path("identity/", views.identity, name="identity"),
    path("identity/start/<slug:provider>/", views.identity_start, name="identity_start"),
    path("identity/demo/authorize/", views.identity_demo_authorize, name="identity_demo_authorize"),
    path("identity/counter-code/", views.counter_code, name="counter_code"),
    path("delete/", views.account_delete, name="delete"),
]
