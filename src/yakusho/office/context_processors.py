from __future__ import annotations

from django.http import HttpRequest

from yakusho.accounts.models import User
from yakusho.accounts.selectors import staff_scope
from yakusho.payments.selectors import is_accounting


def menu(request: HttpRequest) -> dict[str, object]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.kind != User.Kind.STAFF:
        return {}
    scope = staff_scope(user)
    return {
        "office_menu": {
            "counter": scope.does_casework,
            "staff": scope.is_sysadmin,
            "audit": scope.is_auditor,
            # is_accounting reads the 会計課's id; only staff with no casework role pay for it.
            "payments": scope.does_casework or is_accounting(user),
            "plan": _plan_menu(user, scope),
        }
    }


def _plan_menu(user: User, scope) -> bool:
    """ICT計画: the ICT department, and departments that own a 個別事業."""
    from yakusho.plan.selectors import departments_with_projects
    from yakusho.plan.services import is_ict_staff

    return is_ict_staff(user) or bool(scope.department_ids() & departments_with_projects())
