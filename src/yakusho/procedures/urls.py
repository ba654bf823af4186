from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("procedures/", views.finder, name="finder"),
    path("procedures/<slug:code>/", views.detail, name="detail"),
    path("procedures/<slug:code>/start/", views.start, name="start"),
    path("apply/<uuid:key>/check/", views.check, name="check"),
    path("apply/<uuid:key>/discard/", views.discard, name="discard"),
    path("apply/<uuid:key>/<slug:step>/", views.step, name="step"),
    path("submissions/<str:number>/", views.submission_detail, name="submission"),
    path("submissions/<str:number>/receipt.pdf", views.submission_receipt, name="receipt"),
    path(
        "submissions/<str:number>/documents/<int:document>.pdf",
        views.submission_document,
        name="document",
    ),
    path("submissions/<str:number>/withdraw/", views.submission_withdraw, name="withdraw"),
    path("life-events/<slug:code>/", views.life_event, name="life_event"),
    path("bundles/<uuid:key>/", views.bundle, name="bundle"),
]
