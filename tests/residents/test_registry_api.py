"""POST /api/v1/registry/records: the core system pushes changes to the registry mirror."""

from __future__ import annotations

import hashlib
import json

import pytest
from django.test import override_settings

from yakusho.core.models import AuditRecord
from yakusho.residents.models import ResidentRecord

pytestmark = pytest.mark.django_db

TOKEN = "core-system-token-for-tests"
URL = "/api/v1/registry/records"


@pytest.fixture(autouse=True)
def _token_configured():
    with override_settings(REGISTRY_TOKEN_SHA256=hashlib.sha256(TOKEN.encode()).hexdigest()):
        yield


def _record(atena: str = "200001", **overrides) -> dict:
    record = {
        "atena_number": atena,
        "household_number": "300001",
        "relation": "世帯主",
        "name": "秦野 太郎",
        "name_kana": "ハダノ タロウ",
        "birth_date": "1985-04-12",
        "sex": "male",
        "postal_code": "2570015",
        "address": "神奈川県秦野市平沢1234-5",
    }
    record.update(overrides)
    return record


def _post(client, records: list[dict], *, full: bool = False, token: str | None = TOKEN):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token is not None else {}
    return client.post(
        URL,
        data=json.dumps({"records": records, "full": full}),
        content_type="application/json",
        **headers,
    )


def test_without_or_with_a_wrong_token_nothing_is_written(client):
    assert _post(client, [_record()], token=None).status_code == 401
    assert _post(client, [_record()], token="wrong").status_code == 401
    assert _post(client, [_record()], token="").status_code == 401
    basic = client.post(
        URL,
        data=json.dumps({"records": [_record()]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Basic {TOKEN}",
    )
    assert basic.status_code == 401
    assert ResidentRecord.objects.count() == 0


def test_without_a_configured_digest_even_an_empty_token_is_refused(client):
    with override_settings(REGISTRY_TOKEN_SHA256=""):
        assert _post(client, [_record()]).status_code == 401
        assert _post(client, [_record()], token="").status_code == 401
    assert ResidentRecord.objects.count() == 0


def test_valid_records_are_written_and_counted(client):
    response = _post(client, [_record(), _record("200002", name="秦野 花子", sex="2")])
    assert response.status_code == 200, response.content
    assert response.json() == {"read": 2, "created": 2, "updated": 0, "unchanged": 0, "ended": 0}
    assert ResidentRecord.objects.get(atena_number="200001").postal_code == "257-0015"
    assert ResidentRecord.objects.get(atena_number="200002").sex == "female"
    audit = AuditRecord.objects.get(action="residents.import")
    assert audit.data["source"] == "api"

    again = _post(client, [_record(address="神奈川県秦野市曽屋1-1"), _record("200002", sex="女")])
    assert again.json() == {"read": 2, "created": 0, "updated": 2, "unchanged": 0, "ended": 0}
    assert ResidentRecord.objects.get(atena_number="200002").name == "秦野 太郎"


def test_numbers_sent_as_json_numbers_are_taken(client):
    response = _post(client, [_record(atena_number=200001, household_number=300001)])
    assert response.status_code == 200, response.content
    assert ResidentRecord.objects.get().atena_number == "200001"


def test_an_invalid_record_writes_nothing_and_each_error_is_listed(client):
    records = [
        _record(),
        _record("200002", birth_date="平成31年5月1日"),
        _record("200003", name_kana="秦野", postal_code=None),
        _record("200001"),
    ]
    response = _post(client, records)
    assert response.status_code == 400
    body = response.json()
    assert "何も書き込んでいません" in body["detail"]
    errors = {(e["index"], e["field"]): e["message"] for e in body["errors"]}
    assert set(errors) == {
        (1, "birth_date"),
        (2, "name_kana"),
        (2, "postal_code"),
        (3, "atena_number"),
    }
    assert "その元号の期間にない日付です" in errors[1, "birth_date"]
    assert errors[2, "postal_code"] == "入力されていません。"
    assert "1件目と重複しています" in errors[3, "atena_number"]
    assert ResidentRecord.objects.count() == 0
    assert not AuditRecord.objects.filter(action="residents.import").exists()


def test_an_individual_number_field_refuses_the_whole_request(client):
    response = _post(client, [_record(), _record("200002", my_number="123456789012")])
    assert response.status_code == 400
    assert "マイナンバー（個人番号）を保存しません" in response.json()["detail"]
    assert ResidentRecord.objects.count() == 0


def test_more_than_a_thousand_records_are_refused(client):
    records = [_record(str(100000 + i)) for i in range(1001)]
    response = _post(client, records)
    assert response.status_code == 413
    assert "1000件まで" in response.json()["detail"]
    assert ResidentRecord.objects.count() == 0
    assert _post(client, records[:1000]).json()["created"] == 1000


def test_full_ends_absent_records(client):
    _post(client, [_record(), _record("200002")])
    response = _post(client, [_record()], full=True)
    assert response.json() == {"read": 1, "created": 0, "updated": 0, "unchanged": 1, "ended": 1}
    assert not ResidentRecord.objects.get(atena_number="200002").is_current
    assert _post(client, [], full=True).status_code == 400
    assert ResidentRecord.objects.get(atena_number="200001").is_current
