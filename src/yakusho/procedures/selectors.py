"""Reads of the procedures app."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from time import monotonic
from typing import Any, NamedTuple, TypeVar

from django.db import connection
from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language

from yakusho.core.reads import Statement, row_by

from .engine import FormDefinition
from .engine.i18n import Localized, localize
from .models import Bundle, Category, Draft, FormVersion, LifeEvent, Procedure, Submission
from .search import matches, name_forms, query_variants

# Receipt numbers a visitor without an account has sent from this browser session.
ANONYMOUS_RECEIPTS = "anonymous_receipts"


def sent_in_session(session: Any, receipt_number: str) -> bool:
    return bool(receipt_number) and receipt_number in session.get(ANONYMOUS_RECEIPTS, [])


def localized(obj: Any, field: str, language: str | None = None) -> Localized:
    """A content field in the reader's language, Japanese when there is no translation."""
    language = language or get_language() or "ja"
    translations = getattr(obj, f"{field}_translations", None) or {}
    return localize({"ja": getattr(obj, field), **translations}, language)


def published_procedures() -> QuerySet[Procedure]:
    return (
        Procedure.objects.filter(is_published=True, published_version__isnull=False)
        .select_related("department", "category")
        .order_by("sort_order", "code")
    )


def _catalogue_stamp() -> tuple:
    """What changes whenever the finder's data does: the newest change and the row count of
    each table it shows (services stamp `updated_at` on their bulk updates too), and of the
    procedures' hand-off targets, which a send reads from the catalogue's procedure
    (`cases.selectors.active_handoff_targets`). One small statement, without the ORM's query
    building; a row per table, which PostgreSQL plans in a third of the time it takes for the
    same values as subqueries of one row."""
    from yakusho.cases.models import HandoffTarget
    from yakusho.core.models import Department

    tables = [m._meta.db_table for m in (Procedure, Category, LifeEvent, Department, HandoffTarget)]
    parts = " UNION ALL ".join(
        f"SELECT {n}, MAX(updated_at), COUNT(*) FROM {t}"  # noqa: S608 - model tables
        for n, t in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(f"{parts} ORDER BY 1")
        return tuple(cursor.fetchall())


@dataclass(frozen=True)
class Catalogue:
    """What the finder shows besides its results: every published procedure, the categories
    with their counts, the life events."""

    procedures: list[Procedure]
    categories: list[Category]
    life_events: list[LifeEvent]
    # What other apps read for a procedure and keep as long as the catalogue (kept_for).
    derived: dict[tuple[str, int], Any] = field(default_factory=dict, compare=False)

    def procedure(self, pk: int) -> Procedure | None:
        return self._by_pk.get(pk)

    def procedure_by_code(self, code: str) -> Procedure | None:
        return self._by_code.get(code)

    @cached_property
    def _by_pk(self) -> dict[int, Procedure]:
        return {p.pk: p for p in self.procedures}

    @cached_property
    def _by_code(self) -> dict[str, Procedure]:
        return {p.code: p for p in self.procedures}


class _Kept(NamedTuple):
    stamp: tuple
    catalogue: Catalogue
    checked_at: float  # time.monotonic() when the stamp was last read


_catalogue_kept: _Kept | None = None

# A page showing a draft (a form step, the check page) may take the catalogue as this process
# found it up to this many seconds ago, without asking the database: a procedure changed by
# the city shows there at most a second late, and its send — which does ask — acts on the
# change at once. In a burst this saves every check page a statement.
PAGE_CATALOGUE_MAX_AGE = 1.0


def catalogue(*, max_age: float = 0.0) -> Catalogue:
    """The catalogue, kept in this process until it changes: every search needs the same few
    dozen rows, which change a few times a day. Readers must not modify what they get.
    `max_age`: seconds since this process last found it current within which it is taken as
    it is (0: ask the database now)."""
    global _catalogue_kept
    from django.db.models import Count, Q

    kept = _catalogue_kept
    asked_at = monotonic()
    if kept is not None and asked_at - kept.checked_at < max_age:
        return kept.catalogue
    stamp = _catalogue_stamp()
    if kept is not None and kept.stamp == stamp:
        _catalogue_kept = _Kept(stamp, kept.catalogue, asked_at)
        return kept.catalogue
    loaded = Catalogue(
        procedures=list(published_procedures()),
        categories=list(
            Category.objects.annotate(
                published=Count("procedures", filter=Q(procedures__is_published=True))
            ).filter(published__gt=0)
        ),
        life_events=list(LifeEvent.objects.all()),
    )
    _catalogue_kept = _Kept(stamp, loaded, asked_at)
    return loaded


T = TypeVar("T")


def kept_for(procedure: Procedure, name: str, load: Callable[[], T]) -> T:
    """`load()`, kept with the catalogue when `procedure` is the kept catalogue's own instance:
    a new catalogue, loaded when a table its stamp covers changes, starts without it. Any other
    instance (a withdrawn procedure, a caller's own) gets `load()` every time. Asks no
    database itself."""
    kept = _catalogue_kept
    if kept is None or kept.catalogue.procedure(procedure.pk) is not procedure:
        return load()
    key = (name, procedure.pk)
    derived = kept.catalogue.derived
    if key not in derived:
        derived[key] = load()
    return derived[key]


def procedure_search(
    query: str, *, category: str = "", life_event: str = "", within: Catalogue | None = None
) -> list[Procedure]:
    """Published procedures matching the query (every word), names first. `within`: the
    catalogue the caller already holds, so a page checks its freshness once."""
    procedures = (
        list(published_procedures().filter(life_events__code=life_event))
        if life_event
        else (within or catalogue()).procedures
    )
    if category:
        procedures = [p for p in procedures if p.category and p.category.code == category]
    if not query.strip():
        return list(procedures)
    variants = query_variants(query)
    found = [p for p in procedures if matches(p.search_text, variants)]
    words = [w for forms in variants for w in forms]
    found.sort(key=lambda p: (not _in_name(p.name, words), p.sort_order, p.code))
    return found


def _in_name(name: str, words: list[str]) -> bool:
    """Whether the query names the procedure, in its characters or in its reading (so that
    「じどうてあて」 ranks 児童手当 above procedures that only mention it)."""
    readable = name_forms(name)
    return any(w in form for w in words for form in readable)


def published_procedure(code: str) -> Procedure | None:
    """A published procedure's page data, from the catalogue (one small freshness check
    instead of building and running the procedure's joined read)."""
    return catalogue().procedure_by_code(code)


def life_events() -> list[LifeEvent]:
    return catalogue().life_events


def draft_by_key(key: Any, *, catalogue_max_age: float = 0.0) -> Draft | None:
    """The draft with its procedure and form version. A form page or a send reads them on
    every request, and they seldom change: the procedure comes from the catalogue when it is
    published (`catalogue_max_age` as for `catalogue`), and a published form version — never
    edited again — is kept by the process. The draft itself is read with a fixed statement
    (`core.reads`)."""
    draft = row_by(Draft, "key", key)
    if draft is None:
        return None
    procedure = catalogue(max_age=catalogue_max_age).procedure(draft.procedure_id)
    if procedure is not None:
        draft.procedure = procedure
    draft.version = form_version(draft.version_id)
    return draft


# Published (or retired) form versions with their parsed definitions, by key. Their
# definitions never change, and a send and its check page read the draft's version and its
# definition five times; from the shared cache they cost an unpickling and the definition a
# JSON dump (to find its parsed form) each time. Bounded: emptied when full.
_KEPT_VERSIONS_LIMIT = 500
_kept_versions: dict[int, tuple[FormVersion, FormDefinition]] = {}


def form_version(pk: int) -> FormVersion:
    kept = _kept_versions.get(pk)
    if kept is not None:
        return kept[0]
    version = FormVersion.objects.get(pk=pk)
    if version.state != FormVersion.State.DRAFT:
        if len(_kept_versions) >= _KEPT_VERSIONS_LIMIT:
            _kept_versions.clear()
        _kept_versions[pk] = (version, FormDefinition.parse(version.definition))
    return version


def forget_kept() -> None:
    """For tests, whose rolled-back rows leave their keys to the next test's rows: the kept
    catalogue and form versions go."""
    global _catalogue_kept
    _catalogue_kept = None
    _kept_versions.clear()


def definition_of(version: FormVersion) -> FormDefinition:
    kept = _kept_versions.get(version.pk)
    if kept is not None and kept[0] is version:
        return kept[1]
    return FormDefinition.parse(version.definition)


def _with_procedures(*lists: list[Any]) -> None:
    """Attach each row's procedure: from the catalogue when published, else read in one query
    (a procedure withdrawn since)."""
    rows = [row for rows in lists for row in rows]
    if not rows:
        return
    published = catalogue()
    missing = {r.procedure_id for r in rows if published.procedure(r.procedure_id) is None}
    withdrawn = Procedure.objects.in_bulk(missing) if missing else {}
    for row in rows:
        row.procedure = published.procedure(row.procedure_id) or withdrawn[row.procedure_id]


# What the lists show; the answers stay in the database.
_OWN_SUBMISSIONS = Statement(
    lambda owner, limit: (
        Submission.objects.filter(owner_id=owner)
        .only("receipt_number", "procedure_id", "language", "status", "submitted_at")
        .order_by("-submitted_at")[:limit]
    ),
    bind=("owner",),
)
# The resident's own drafts, not those in a bundle or kept by staff at the counter.
_OWN_DRAFTS = Statement(
    lambda owner: (
        Draft.objects.filter(owner_id=owner, bundle__isnull=True, assisted_by__isnull=True)
        .only("key", "updated_at", "expires_at", "procedure_id")
        .order_by("-updated_at")
    ),
    bind=("owner",),
)


def _bundles(owner: Any) -> QuerySet[Bundle]:
    # `owner`: the user, or the user's key.
    return Bundle.objects.filter(owner=owner).select_related("life_event").order_by("-created_at")


_OWN_BUNDLES = Statement(_bundles, bind=("owner",))


def submissions_of(user: Any, *, limit: int) -> list[Submission]:
    """The resident's newest submissions, with their procedures."""
    submissions = _OWN_SUBMISSIONS(owner=user.pk, limit=limit)
    _with_procedures(submissions)
    return submissions


def drafts_and_submissions_of(user: Any, *, limit: int) -> tuple[list[Draft], list[Submission]]:
    """マイページ's lists: the resident's own drafts and newest submissions, with their
    procedures, in two statements compiled once (and a third for a withdrawn procedure)."""
    drafts = _OWN_DRAFTS(owner=user.pk)
    submissions = _OWN_SUBMISSIONS(owner=user.pk, limit=limit)
    _with_procedures(drafts, submissions)
    return drafts, submissions


def bundles_listed_for(user: Any) -> list[Bundle]:
    """マイページ's list of the resident's bundles, with their life events."""
    return _OWN_BUNDLES(owner=user.pk)


def bundles_of(user: Any) -> QuerySet[Bundle]:
    return _bundles(user).prefetch_related(
        Prefetch("submissions", queryset=Submission.objects.select_related("procedure")),
        Prefetch("drafts", queryset=Draft.objects.select_related("procedure__department")),
    )


def status_text(submission: Submission) -> str:
    """What the resident reads for the submission's status, as the procedure words it."""
    from .models import DEFAULT_STATUS_TEXTS

    custom = (submission.procedure.status_texts or {}).get(submission.status)
    if custom:
        return str(localize(custom))
    return str(DEFAULT_STATUS_TEXTS[submission.status])
