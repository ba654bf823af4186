"""Who may see what. Every list is scoped with one query-built set of department ids, never
object by object (no N+1), and every personal-data object is scoped: residents see their own,
staff their departments' unless a department shared with them."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Model, Q, QuerySet
from django.utils import timezone

from yakusho.core.models import Department

from .models import AccessGrant, Role, StaffAssignment, User

GLOBAL_ROLES = frozenset({Role.SYSADMIN, Role.AUDITOR})
CASEWORK_ROLES = frozenset({Role.TANTO, Role.KESSAI, Role.SHOZOKUCHO})


def _descendants() -> dict[int, set[int]]:
    children: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in Department.objects.values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    result: dict[int, set[int]] = {}

    def walk(pk: int) -> set[int]:
        if pk not in result:
            found = {pk}
            for child in children.get(pk, []):
                found |= walk(child)
            result[pk] = found
        return result[pk]

    for pk in children.get(None, []):
        walk(pk)
    return result


@dataclass(frozen=True)
class StaffScope:
    """A member of staff's reach, computed once per request with three queries."""

    roles_by_department: dict[int, frozenset[str]] = field(default_factory=dict)
    global_roles: frozenset[str] = frozenset()
    shared_department_ids: frozenset[int] = frozenset()

    def department_ids(self, *roles: str) -> frozenset[int]:
        """Departments where the user holds any of `roles` (any casework role if none given),
        plus departments shared with them when casework is asked for."""
        wanted = set(roles) or CASEWORK_ROLES
        own = {d for d, held in self.roles_by_department.items() if held & wanted}
        if wanted & {Role.TANTO}:
            own |= self.shared_department_ids
        return frozenset(own)

    def has_role(self, role: str, department_id: int | None = None) -> bool:
        if role in GLOBAL_ROLES:
            return role in self.global_roles
        if department_id is None:
            return any(role in held for held in self.roles_by_department.values())
        return role in self.roles_by_department.get(department_id, frozenset())

    @property
    def is_sysadmin(self) -> bool:
        return Role.SYSADMIN in self.global_roles

    @property
    def is_auditor(self) -> bool:
        return Role.AUDITOR in self.global_roles

    @property
    def does_casework(self) -> bool:
        return bool(self.department_ids())


def staff_scope(user: User) -> StaffScope:
    """The user's reach, cached on the user object for the rest of the request."""
    cached = getattr(user, "_staff_scope", None)
    if cached is not None:
        return cached
    if not user.is_authenticated or user.kind != User.Kind.STAFF or not user.is_active:
        scope = StaffScope()
    else:
        tree = _descendants()
        roles: dict[int, set[str]] = defaultdict(set)
        global_roles: set[str] = set()
        own_departments: set[int] = set()
        for department_id, role in StaffAssignment.objects.filter(user=user).values_list(
            "department_id", "role"
        ):
            own_departments.add(department_id)
            if role in GLOBAL_ROLES:
                global_roles.add(role)
            for reached in tree.get(department_id, {department_id}):
                roles[reached].add(role)
        today = timezone.localdate()
        shared = set()
        for department_id in AccessGrant.objects.filter(
            Q(to_user=user) | Q(to_department__in=own_departments),
            Q(valid_until__isnull=True) | Q(valid_until__gte=today),
        ).values_list("department_id", flat=True):
            shared |= tree.get(department_id, {department_id})
        scope = StaffScope(
            roles_by_department={
                d: frozenset(r - GLOBAL_ROLES) for d, r in roles.items() if r - GLOBAL_ROLES
            },
            global_roles=frozenset(global_roles),
            shared_department_ids=frozenset(shared),
        )
    user._staff_scope = scope
    return scope


def scope_to_departments(
    queryset: QuerySet, user: User, *, field: str = "department", roles: Iterable[str] = ()
) -> QuerySet:
    """Only the objects of departments the user may work on."""
    ids = staff_scope(user).department_ids(*roles)
    return queryset.filter(**{f"{field}_id__in": ids}) if ids else queryset.none()


def scope_to_owner(queryset: QuerySet, user: User, *, field: str = "owner") -> QuerySet:
    """Only the resident's own objects."""
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(**{field: user})


def staff_members() -> QuerySet[User]:
    return (
        User.objects.filter(kind=User.Kind.STAFF)
        .prefetch_related("assignments__department")
        .order_by("last_name", "first_name", "username")
    )


def user_label(user: Model) -> str:
    full = f"{getattr(user, 'last_name', '')} {getattr(user, 'first_name', '')}".strip()
    return full or user.get_username()
