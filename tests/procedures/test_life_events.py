"""Life events: a short questionnaire, shared answers asked once, one submission per
procedure, one page for all of them."""

import pytest

from yakusho.procedures.models import Bundle, Draft, LifeEvent, Submission

from ..factories import UserFactory, resident_record

pytestmark = pytest.mark.django_db

CHILD_FORM = {
    "version": 1,
    "steps": [
        {
            "key": "child_step",
            "title": {"ja": "お子さん"},
            "fields": [
                {"key": "child", "type": "person", "label": {"ja": "お子さん"}, "required": True},
                {
                    "key": "guardian",
                    "type": "name",
                    "label": {"ja": "保護者"},
                    "required": True,
                    "prefill": "registry.self",
                    "registry_bound": True,
                },
                {"key": "agree", "type": "consent", "text": {"ja": "誓約します。"}},
            ],
        }
    ],
}
QUESTIONNAIRE = {
    "definition": {
        "version": 1,
        "steps": [
            {
                "key": "q",
                "title": {"ja": "質問"},
                "fields": [
                    {
                        "key": "child",
                        "type": "person",
                        "label": {"ja": "生まれたお子さん"},
                        "required": True,
                    },
                    {
                        "key": "insurance",
                        "type": "radio",
                        "label": {"ja": "健康保険"},
                        "required": True,
                        "options": [
                            {"value": "kokuho", "label": {"ja": "国民健康保険"}},
                            {"value": "other", "label": {"ja": "会社の保険"}},
                        ],
                    },
                ],
            }
        ],
    },
    "shared": ["child"],
}


@pytest.fixture
def shussei(make_procedure):
    allowance = make_procedure(CHILD_FORM, code="jido-teate", name="児童手当")
    medical = make_procedure(CHILD_FORM, code="iryohi", name="小児医療費助成")
    kokuho = make_procedure(CHILD_FORM, code="kokuho", name="国保の加入")
    event = LifeEvent.objects.create(
        code="shussei",
        name="出生",
        questionnaire=QUESTIONNAIRE,
        rules=[
            {"procedure": "jido-teate"},
            {"procedure": "iryohi"},
            {"procedure": "kokuho", "when": {"field": "insurance", "equals": "kokuho"}},
            {"procedure": "does-not-exist"},
        ],
    )
    return event, (allowance, medical, kokuho)


def test_birth_bundle_asks_once_and_submits_per_procedure(client, shussei):
    record = resident_record()
    user = UserFactory(assurance="verified", resident=record)
    client.force_login(user)
    answers = {
        "child__name": "秦野 陽葵",
        "child__kana": "はだの ひまり",
        "child__birth_date_era": "R",
        "child__birth_date_year": "6",
        "child__birth_date_month": "10",
        "child__birth_date_day": "1",
        "insurance": "other",
    }
    page = client.post("/ja/life-events/shussei/", answers).content.decode()
    assert "児童手当" in page
    assert "小児医療費助成" in page
    assert "国保の加入" not in page
    response = client.post("/ja/life-events/shussei/", {**answers, "confirm": "1"})
    bundle = Bundle.objects.get()
    assert response["Location"] == f"/ja/bundles/{bundle.key}/"
    drafts = list(Draft.objects.filter(bundle=bundle))
    assert len(drafts) == 2
    for draft in drafts:
        assert draft.answers["child"]["kana"] == "ハダノ ヒマリ"
        assert draft.sources["child"] == "bundle"
        assert "child" in draft.locked
        assert draft.answers["guardian"]["name"] == record.name
        step = client.get(f"/ja/apply/{draft.key}/child_step/").content.decode()
        assert 'name="child__name"' not in step  # asked once, in the questionnaire
        client.post(f"/ja/apply/{draft.key}/child_step/", {"agree": "on"})
    page = client.get(f"/ja/bundles/{bundle.key}/").content.decode()
    assert "まとめて申請する" in page
    client.post(f"/ja/bundles/{bundle.key}/")
    submissions = Submission.objects.filter(bundle=bundle)
    assert submissions.count() == 2
    assert {s.procedure.code for s in submissions} == {"jido-teate", "iryohi"}
    page = client.get(f"/ja/bundles/{bundle.key}/").content.decode()
    for submission in submissions:
        assert submission.receipt_number in page
    client.post(f"/ja/bundles/{bundle.key}/")  # sending again changes nothing
    assert Submission.objects.count() == 2


def test_bundle_of_someone_else_is_404(client, shussei):
    owner = UserFactory(assurance="verified", resident=resident_record())
    bundle = Bundle.objects.create(owner=owner, life_event=shussei[0], answers={})
    client.force_login(UserFactory())
    assert client.get(f"/ja/bundles/{bundle.key}/").status_code == 404


def test_incomplete_bundle_is_not_sent(client, shussei):
    user = UserFactory(assurance="verified", resident=resident_record())
    client.force_login(user)
    from yakusho.procedures.services import bundle_start

    bundle = bundle_start(life_event=shussei[0], user=user, answers={"insurance": "other"})
    page = client.post(f"/ja/bundles/{bundle.key}/", follow=True).content.decode()
    assert "まだ入力が終わっていない" in page
    assert not Submission.objects.exists()
