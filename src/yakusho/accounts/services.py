"""Writes of the accounts app: staff and their roles, shares, identity verification, counter
codes and account deletion. Every change of who may do what is audited."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from yakusho.core.audit import audit_record
from yakusho.core.models import Department
from yakusho.residents.models import ResidentRecord
from yakusho.residents.selectors import resident_match

from .models import AccessGrant, CounterCode, IdentityLink, Role, StaffAssignment, User

COUNTER_CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY34679"  # no 0/O, 1/I, 2/Z, 5/S, 8/B look-alikes
COUNTER_CODE_LENGTH = 8
COUNTER_CODE_DAYS = 14


class IdentityError(Exception):
    """Why a resident could not be verified; `message` is for the resident."""

    MESSAGES = {
        "no_match": _(
            "住民記録と一致しませんでした。秦野市に住民登録がない方や、最近引っ越した方は、"
            "市役所の窓口で本人確認をしてください。"
        ),
        "subject_taken": _("このマイナンバーカードは、すでに別のアカウントで使われています。"),
        "other_resident": _("このアカウントは、すでに別の方として本人確認されています。"),
        "code_invalid": _(
            "確認コードが正しくありません。窓口で受け取ったコードを確かめてください。"
        ),
        "code_expired": _(
            "確認コードの有効期限が切れています。もう一度窓口で発行を受けてください。"
        ),
        "code_used": _("この確認コードはすでに使われています。"),
        "not_resident": _("職員のアカウントでは本人確認はできません。"),
    }

    def __init__(self, code: str):
        self.code = code
        self.message = self.MESSAGES[code]
        super().__init__(code)


# --- staff ---------------------------------------------------------------------------------


def staff_create(
    *,
    username: str,
    email: str,
    last_name: str,
    first_name: str,
    actor: User | None,
    password: str | None = None,
    ip_address: str | None = None,
) -> User:
    with transaction.atomic():
        user = User(
            username=username,
            email=email,
            last_name=last_name,
            first_name=first_name,
            kind=User.Kind.STAFF,
            assurance=User.Assurance.EMAIL,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()  # they choose one through the reset e-mail
        user.full_clean(exclude=["password"])
        user.save()
        _sync_email(user)
        audit_record(
            action="staff.create",
            actor=actor,
            obj=user,
            ip_address=ip_address,
            data={"username": username},
        )
    return user


def _sync_email(user: User) -> None:
    """Staff addresses are the city's own and count as verified."""
    from allauth.account.models import EmailAddress

    if user.email:
        EmailAddress.objects.update_or_create(
            user=user, email=user.email.lower(), defaults={"verified": True, "primary": True}
        )


def staff_assign(
    *,
    user: User,
    department: Department,
    role: str,
    actor: User | None,
    ip_address: str | None = None,
) -> StaffAssignment:
    if user.kind != User.Kind.STAFF:
        raise ValidationError(_("職員のアカウントにだけ役割を付けられます。"))
    if role not in Role.values:
        raise ValidationError(_("役割が正しくありません。"))
    with transaction.atomic():
        assignment, created = StaffAssignment.objects.get_or_create(
            user=user, department=department, role=role
        )
        if created:
            audit_record(
                action="permission.grant",
                actor=actor,
                obj=user,
                ip_address=ip_address,
                data={"department": department.code, "role": role},
            )
    return assignment


def staff_unassign(
    *, assignment: StaffAssignment, actor: User | None, ip_address: str | None = None
) -> None:
    with transaction.atomic():
        audit_record(
            action="permission.revoke",
            actor=actor,
            obj=assignment.user,
            ip_address=ip_address,
            data={"department": assignment.department.code, "role": assignment.role},
        )
        assignment.delete()


def access_grant_create(
    *,
    department: Department,
    reason: str,
    actor: User,
    to_department: Department | None = None,
    to_user: User | None = None,
    valid_until: dt.date | None = None,
    ip_address: str | None = None,
) -> AccessGrant:
    with transaction.atomic():
        grant = AccessGrant.objects.create(
            department=department,
            to_department=to_department,
            to_user=to_user,
            reason=reason,
            valid_until=valid_until,
            granted_by=actor,
        )
        audit_record(
            action="permission.share",
            actor=actor,
            obj=grant,
            ip_address=ip_address,
            data={
                "department": department.code,
                "to_department": to_department.code if to_department else None,
                "to_user": to_user.pk if to_user else None,
                "reason": reason,
            },
        )
    return grant


# --- identity ------------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedClaims:
    """What an identity provider vouches for: its subject id and the 基本4情報."""

    subject: str
    name: str
    birth_date: dt.date
    sex: str | None
    address: str | None


def identity_verify(
    *,
    user: User,
    provider: str,
    claims: VerifiedClaims,
    ip_address: str | None = None,
    verified_by: User | None = None,
) -> ResidentRecord:
    """Link the account to the resident record the claims match; the account becomes
    `verified`. Refuses a subject already linked elsewhere, or a second person."""
    if user.kind != User.Kind.RESIDENT:
        raise IdentityError("not_resident")
    resident = resident_match(
        name=claims.name, birth_date=claims.birth_date, sex=claims.sex, address=claims.address
    )
    if resident is None:
        audit_record(
            action="identity.no_match",
            actor=user,
            obj=user,
            ip_address=ip_address,
            data={"provider": provider},
        )
        raise IdentityError("no_match")
    return _link(
        user=user,
        provider=provider,
        subject=claims.subject,
        resident=resident,
        ip_address=ip_address,
        verified_by=verified_by,
    )


def _link(
    *,
    user: User,
    provider: str,
    subject: str,
    resident: ResidentRecord,
    ip_address: str | None,
    verified_by: User | None,
) -> ResidentRecord:
    if user.resident_id and user.resident_id != resident.pk:
        raise IdentityError("other_resident")
    try:
        with transaction.atomic():
            link, _created = IdentityLink.objects.get_or_create(
                provider=provider,
                subject=subject,
                defaults={"user": user, "resident": resident, "verified_by": verified_by},
            )
            if link.user_id != user.pk:
                raise IdentityError("subject_taken")
            User.objects.filter(pk=user.pk).update(
                assurance=User.Assurance.VERIFIED, resident=resident
            )
            audit_record(
                action="identity.verified",
                actor=user,
                obj=user,
                ip_address=ip_address,
                data={
                    "provider": provider,
                    "resident": resident.pk,
                    "by": verified_by.pk if verified_by else None,
                },
            )
    except IntegrityError:
        raise IdentityError("subject_taken") from None
    user.assurance, user.resident = User.Assurance.VERIFIED, resident
    return resident


def _code_hash(code: str) -> str:
    cleaned = unicodedata.normalize("NFKC", code).upper().replace("-", "").replace(" ", "")
    return hashlib.sha256(cleaned.encode()).hexdigest()


def counter_code_issue(
    *, resident: ResidentRecord, staff: User, ip_address: str | None = None
) -> str:
    """Issue a one-time code for a resident whose identity staff checked in person."""
    code = "".join(secrets.choice(COUNTER_CODE_ALPHABET) for _ in range(COUNTER_CODE_LENGTH))
    with transaction.atomic():
        CounterCode.objects.create(
            code_hash=_code_hash(code),
            resident=resident,
            issued_by=staff,
            expires_at=timezone.now() + dt.timedelta(days=COUNTER_CODE_DAYS),
        )
        audit_record(
            action="identity.counter_code_issued",
            actor=staff,
            obj=resident,
            ip_address=ip_address,
            purpose="窓口での本人確認",
        )
    return f"{code[:4]}-{code[4:]}"


def counter_code_redeem(*, user: User, code: str, ip_address: str | None = None) -> ResidentRecord:
    if user.kind != User.Kind.RESIDENT:
        raise IdentityError("not_resident")
    with transaction.atomic():
        counter = (
            CounterCode.objects.select_for_update()
            .select_related("resident", "issued_by")
            .filter(code_hash=_code_hash(code))
            .first()
        )
        if counter is None:
            raise IdentityError("code_invalid")
        if counter.used_at is not None:
            raise IdentityError("code_used")
        if counter.expires_at < timezone.now():
            raise IdentityError("code_expired")
        counter.used_at, counter.used_by = timezone.now(), user
        counter.save(update_fields=["used_at", "used_by", "updated_at"])
        return _link(
            user=user,
            provider="counter-code",
            subject=f"counter:{counter.pk}",
            resident=counter.resident,
            ip_address=ip_address,
            verified_by=counter.issued_by,
        )


# --- residents' own account ----------------------------------------------------------------


def account_delete(*, user: User, ip_address: str | None = None) -> None:
    """Close a resident's account. The sign-in, e-mail addresses, second factors and identity
    links go now; applications already made stay with the city for the period the law
    requires (they are records of the city, not of the account) and are then purged."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator

    with transaction.atomic():
        audit_record(action="account.delete", actor=user, obj=user, ip_address=ip_address)
        EmailAddress.objects.filter(user=user).delete()
        Authenticator.objects.filter(user=user).delete()
        IdentityLink.objects.filter(user=user).delete()
        user.username = f"deleted-{user.pk}-{secrets.token_hex(4)}"
        user.email = ""
        user.first_name = user.last_name = ""
        user.is_active = False
        user.resident = None
        user.assurance = User.Assurance.NONE
        user.set_unusable_password()
        user.save()


def staff_reset_mfa(*, user: User, actor: User, ip_address: str | None = None) -> None:
    """A member of staff lost their phone: remove their second factors so they enrol again
    at their next sign-in (which the office then forces)."""
    from allauth.mfa.models import Authenticator

    with transaction.atomic():
        removed = Authenticator.objects.filter(user=user).delete()[0]
        audit_record(
            action="mfa.reset",
            actor=actor,
            obj=user,
            ip_address=ip_address,
            data={"removed": removed},
        )
