"""Finding procedures the way residents type, on the page and through the API."""

import pytest

from yakusho.procedures.models import Procedure

from .sample_definitions import COPIES

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog(make_procedure):
    make_procedure(
        COPIES,
        code="jido-teate",
        name="児童手当の認定請求",
        keywords="子ども手当",
        name_translations={"en": "Child allowance", "ko": "아동수당"},
    )
    make_procedure(COPIES, code="tenshutsu", name="転出届（引越し）", keywords="引っ越し, 転出")
    make_procedure(COPIES, code="juminhyo", name="住民票の写しの請求", identity_level="email")
    hidden = make_procedure(COPIES, code="draft-only", name="児童館の利用登録")
    Procedure.objects.filter(pk=hidden.pk).update(is_published=False)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("じどうてあて", {"jido-teate"}),
        ("児童手当", {"jido-teate"}),
        ("ｼﾞﾄﾞｳﾃｱﾃ", {"jido-teate"}),
        ("子ども手当", {"jido-teate"}),
        ("child allowance", {"jido-teate"}),
        ("아동수당", {"jido-teate"}),
        ("引越し", {"tenshutsu"}),
        ("引っ越し", {"tenshutsu"}),
        ("ひっこし", {"tenshutsu"}),
        ("じゅうみんひょう", {"juminhyo"}),
        ("住民票 請求", {"juminhyo"}),
        ("存在しない手続き", set()),
    ],
)
def test_finder_understands_how_residents_type(client, catalog, query, expected):
    from yakusho.procedures.selectors import procedure_search

    assert {p.code for p in procedure_search(query)} == expected
    page = client.get("/ja/procedures/", {"q": query}).content.decode()
    for code in expected:
        assert f"/ja/procedures/{code}/" in page


def test_a_procedure_named_by_the_reading_ranks_above_one_that_only_mentions_it(
    make_procedure,
):
    from yakusho.procedures.selectors import procedure_search

    # Sorted first by sort_order, the mention would lead; the name's reading must win.
    make_procedure(COPIES, code="hoiku", name="保育園の申込み", keywords="児童手当", sort_order=1)
    make_procedure(COPIES, code="teate", name="児童手当の認定請求", sort_order=2)
    assert [p.code for p in procedure_search("じどうてあて")] == ["teate", "hoiku"]


def test_unpublished_procedures_are_not_found(client, catalog):
    assert client.get("/ja/procedures/draft-only/").status_code == 404


def test_huge_and_strange_queries_get_a_page(client, catalog):
    assert client.get("/ja/procedures/", {"q": "あ" * 5000}).status_code == 200
    assert client.get("/ja/procedures/", {"q": "\x00<script>"}).status_code == 200


def test_api_lists_and_searches_procedures(client, catalog):
    response = client.get("/api/v1/procedures", {"q": "じどうてあて", "lang": "en"})
    assert response.status_code == 200
    [item] = response.json()
    assert item["code"] == "jido-teate"
    assert item["name"] == "Child allowance"
    detail = client.get("/api/v1/procedures/jido-teate").json()
    assert detail["form_version"] == 1
    assert client.get("/api/v1/procedures/draft-only").status_code == 404
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/procedures" in spec["paths"]
    assert "/api/v1/me/submissions" in spec["paths"]


def test_api_own_submissions_need_a_session(client, catalog):
    from ..factories import UserFactory

    assert client.get("/api/v1/me/submissions").status_code == 401
    client.force_login(UserFactory())
    assert client.get("/api/v1/me/submissions").json() == []


def test_the_finder_sees_a_change_to_the_catalogue_at_once(client, catalog):
    """The catalogue is kept between requests; hiding, publishing and renaming show on the
    very next search."""
    from yakusho.procedures import services
    from yakusho.procedures.models import Category

    def search(query="転出"):
        return client.get("/ja/procedures/", {"q": query}).content.decode()

    tenshutsu = Procedure.objects.get(code="tenshutsu")
    assert "/ja/procedures/tenshutsu/" in search()
    services.procedure_publish_state(procedure=tenshutsu, published=False)
    assert "/ja/procedures/tenshutsu/" not in search()
    services.procedure_publish_state(procedure=tenshutsu, published=True)
    assert "/ja/procedures/tenshutsu/" in search()
    tenshutsu.name = "転出届"
    services.procedure_save(procedure=tenshutsu)
    assert "転出届（引越し）" not in search()
    category = Category.objects.get(code="kosodate")
    category.name = "子育て・教育"
    category.save()
    assert "子育て・教育" in search()


def test_a_second_search_does_not_load_the_catalogue_again(client, catalog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get("/ja/procedures/", {"q": "児童手当"})
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/ja/procedures/", {"q": "児童手当"}).content.decode()
    assert "/ja/procedures/jido-teate/" in page
    loads = [q["sql"] for q in queries if 'FROM "procedures_procedure"' in q["sql"]]
    assert loads == []  # only the one-line freshness check, which names no columns


def test_a_procedure_page_comes_from_the_catalogue_and_follows_its_changes(client, catalog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from yakusho.procedures import services

    client.get("/ja/procedures/tenshutsu/")
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/ja/procedures/tenshutsu/")
    assert page.status_code == 200
    assert "転出届（引越し）" in page.content.decode()
    assert [q["sql"] for q in queries if 'FROM "procedures_procedure"' in q["sql"]] == []

    tenshutsu = Procedure.objects.get(code="tenshutsu")
    tenshutsu.name = "転出届"
    services.procedure_save(procedure=tenshutsu)
    renamed = client.get("/ja/procedures/tenshutsu/").content.decode()
    assert "<h1>転出届</h1>" in renamed
    services.procedure_publish_state(procedure=tenshutsu, published=False)
    assert client.get("/ja/procedures/tenshutsu/").status_code == 404
    assert client.get("/ja/procedures/no-such-thing/").status_code == 404
