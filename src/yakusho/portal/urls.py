from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("mypage/", views.mypage, name="mypage"),
    path("display/", views.display, name="display"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
