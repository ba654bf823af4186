"""Every UI string exists in every language, and no Japanese is left on other languages' pages."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils.translation import to_locale

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
TRANSLATED = [code for code, _ in settings.LANGUAGES if code != "ja"]
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalogue(code):
    return LOCALE_DIR / to_locale(code) / "LC_MESSAGES"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_is_translated(code):
    po = polib.pofile(str(_catalogue(code) / "django.po"))
    untranslated = [
        e.msgid
        for e in po
        if not e.obsolete
        and (
            "fuzzy" in e.flags
            or (not e.msgid_plural and not e.msgstr.strip())
            or (e.msgid_plural and not all(v.strip() for v in e.msgstr_plural.values()))
        )
    ]
    assert untranslated == [], f"{code}: {len(untranslated)} untranslated, e.g. {untranslated[:3]}"
    assert "fuzzy" not in po.metadata_as_entry().flags


@pytest.mark.parametrize("code", TRANSLATED)
def test_placeholders_survive_translation(code):
    po = polib.pofile(str(_catalogue(code) / "django.po"))
    for entry in po:
        wanted = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = (
            [entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values())
        )
        for text in translations:
            if (
                entry.msgid_plural
                and "count" in wanted
                and "count" not in PLACEHOLDER.findall(text)
            ):
                # A language without plurals may drop the number in a singular-only form.
                continue
            assert sorted(PLACEHOLDER.findall(text)) == wanted, (code, entry.msgid, text)


@pytest.mark.parametrize("code", TRANSLATED)
def test_compiled_catalogue_matches_the_source(code):
    po = polib.pofile(str(_catalogue(code) / "django.po"))
    mo = polib.mofile(str(_catalogue(code) / "django.mo"))
    compiled = {(e.msgid, e.msgstr) for e in mo if not e.msgid_plural}
    source = {(e.msgid, e.msgstr) for e in po.translated_entries() if not e.msgid_plural}
    assert source <= compiled, f"{code}: run compilemessages ({len(source - compiled)} stale)"


# --- no Japanese left on other languages' pages ----------------------------------------------

KANA = re.compile(r"[\u3041-\u3096\u30a1-\u30fa]")
# Sample values residents must type in Japanese, shown as examples on purpose.
SAMPLES = ["秦野 太郎", "ハダノ タロウ", "神奈川県秦野市平沢", "ハダノ", "タロウ"]


class VisibleText(HTMLParser):
    """Text a reader sees, leaving out parts marked as another language (the language
    selector names each language in itself)."""

    SKIP = {"script", "style", "template", "code"}

    def __init__(self, page_lang):
        super().__init__()
        self.page_lang = page_lang
        self.stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "img", "input", "link", "meta", "hr", "source", "wbr"}:
            return
        attrs = dict(attrs)
        lang = attrs.get("lang")
        hidden = (
            (self.stack[-1] if self.stack else False)
            or tag in self.SKIP
            or (lang is not None and lang.lower() != self.page_lang.lower())
        )
        self.stack.append(hidden)

    def handle_endtag(self, tag):
        if self.stack and tag not in {"br", "img", "input", "link", "meta", "hr", "source", "wbr"}:
            self.stack.pop()

    def handle_data(self, data):
        if not (self.stack and self.stack[-1]):
            self.parts.append(data)


def japanese_left(html: str, lang: str) -> list[str]:
    parser = VisibleText(lang)
    parser.feed(html)
    text = " ".join(parser.parts)
    for sample in SAMPLES:
        text = text.replace(sample, "")
    return sorted({line.strip() for line in text.splitlines() if KANA.search(line)})


RESIDENT_PAGES = [
    "/",
    "/display/",
    "/accessibility/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
]
SIGNED_IN_PAGES = ["/accounts/", "/accounts/identity/", "/accounts/2fa/"]
OFFICE_PAGES = [
    "/office/",
    "/office/components/",
    "/office/counter/",
    "/office/audit/",
    "/office/staff/",
    "/office/payments/",
]
FOREIGN = [c for c in TRANSLATED if c != "ja-x-easy"]


@pytest.mark.django_db
@pytest.mark.parametrize("code", FOREIGN)
def test_no_japanese_left_on_residents_pages(client, code):
    from yakusho.demo.services import demo_city_load

    from .factories import UserFactory

    demo_city_load()
    lang = {"zh-hans": "zh-Hans", "pt-br": "pt-BR"}.get(code, code)
    for path in RESIDENT_PAGES:
        response = client.get(f"/{code}{path}")
        assert response.status_code == 200, path
        assert japanese_left(response.content.decode(), lang) == [], (code, path)
    user = UserFactory()
    client.force_login(user)
    for path in [*SIGNED_IN_PAGES, *_payment_pages(user, code)]:
        response = client.get(f"/{code}{path}")
        assert response.status_code == 200, path
        assert japanese_left(response.content.decode(), lang) == [], (code, path)


def _payment_pages(user, code):
    """A fee the user owes for 住民票 by post, and the demo provider's page for paying it."""
    from django.utils import translation

    from yakusho.core.models import Department
    from yakusho.payments import services
    from yakusho.payments.models import ChargeType
    from yakusho.procedures.models import Procedure

    procedure = Procedure.objects.get(code="juminhyo-yuso")
    charge = services.charge_create(
        charge_type=ChargeType.objects.get(code="certificate-fee"),
        amount=900,
        description=procedure.name,
        description_translations=procedure.name_translations,
        department=Department.objects.get(code="koseki-jumin"),
        owner=user,
    )
    with translation.override(code):  # as in a request: the provider's page in its language
        payment = services.payment_start(
            charge=charge,
            method="konbini",
            idempotency_key=f"translations-{code}",
            return_url="http://testserver/{key}/",
            language=code,
        )
    return [f"/payments/{charge.reference}/", payment.next_url.split(f"/{code}", 1)[1]]


@pytest.mark.django_db
@pytest.mark.parametrize("code", ["en", "ko", "ne"])
def test_no_japanese_left_on_office_pages(staff_client, code):
    from yakusho.accounts.models import Role

    from .factories import DepartmentFactory, StaffFactory, assign

    staff = StaffFactory()
    department = DepartmentFactory()
    for role in (Role.TANTO, Role.SYSADMIN, Role.AUDITOR):
        assign(staff, department, role)
    client = staff_client(staff)
    client.get("/ja/office/")  # shows (and so clears) the Japanese "signed in" message
    lang = code
    for path in OFFICE_PAGES:
        response = client.get(f"/{code}{path}")
        assert response.status_code == 200, path
        left = [
            t
            for t in japanese_left(response.content.decode(), lang)
            if t not in {staff.last_name, staff.first_name, department.name}
        ]
        assert left == [], (code, path, left)
