"""`queue`: the office's case queue with 100,000 cases — the first page and a filtered page,
as a member of staff loads them through the real login."""

from __future__ import annotations

import datetime as dt
import random
import time
import uuid

from .client import Timings, staff_session

CASES = 100_000


def load(count: int = CASES) -> None:
    """Run inside Django (manage shell): the demo city through its services, then `count`
    submitted cases inserted in bulk (services would take an hour for 100,000)."""
    from django.db import transaction
    from django.utils import timezone

    from yakusho.cases.models import Case
    from yakusho.core.japanese.calendar import add_business_days
    from yakusho.demo.services import demo_city_load
    from yakusho.procedures.models import Procedure, Submission
    from yakusho.procedures.receipt import new_receipt_number

    demo_city_load()
    procedures = list(
        Procedure.objects.filter(
            department__code="kodomo-seisaku", is_published=True
        ).select_related("published_version", "department")
    )
    rng = random.Random(7)
    names = [
        ("秦野 太郎", "ハダノタロウ"),
        ("渋沢 花子", "シブサワハナコ"),
        ("大山 健", "オオヤマケン"),
    ]
    now = timezone.now()
    states = (
        ["received"] * 3
        + ["reviewing"] * 3
        + ["correction", "approved", "completed", "completed", "withdrawn"]
    )
    batch = 5000
    made = 0
    seen: set[str] = set()
    while made < count:
        submissions, cases = [], []
        for _ in range(min(batch, count - made)):
            procedure = rng.choice(procedures)
            number = new_receipt_number()
            while number in seen:
                number = new_receipt_number()
            seen.add(number)
            name, kana = rng.choice(names)
            when = now - dt.timedelta(minutes=rng.randint(0, 60 * 24 * 365))
            submissions.append(
                Submission(
                    receipt_number=number,
                    draft_key=uuid.uuid4(),
                    procedure=procedure,
                    version=procedure.published_version,
                    answers={},
                    applicant_name=name,
                    applicant_kana=kana,
                    submitted_at=when,
                    status=rng.choice(states),
                )
            )
        with transaction.atomic():
            Submission.objects.bulk_create(submissions)
            for submission in submissions:
                received = timezone.localtime(submission.submitted_at).date()
                cases.append(
                    Case(
                        submission=submission,
                        procedure=submission.procedure,
                        department=submission.procedure.department,
                        state=submission.status,
                        receipt_number=submission.receipt_number,
                        applicant_name=submission.applicant_name,
                        applicant_key=f"{submission.applicant_kana} {submission.applicant_name.replace(' ', '')}",
                        received_at=submission.submitted_at,
                        due_date=add_business_days(received, submission.procedure.processing_days),
                    )
                )
            Case.objects.bulk_create(cases)
        made += len(submissions)


def run(base: str, *, requests_per_page: int = 200) -> dict[str, dict]:
    from yakusho.demo.services import DEMO_PASSWORD, demo_totp_secret

    email = "kosodate@city.hadano.example.jp"
    session = staff_session(base, email, DEMO_PASSWORD, demo_totp_secret(email))
    pages = {
        "first_page": "/ja/office/cases/",
        "filtered_page": "/ja/office/cases/?state=reviewing&q=ハダノ&sort=-received&page=3",
        "overdue_page": "/ja/office/cases/?state=open&overdue=on",
    }
    results = {}
    for name, path in pages.items():
        session.get(base + path)  # warm up the connection and caches
        timings = Timings()
        started = time.perf_counter()
        for _ in range(requests_per_page):
            t0 = time.perf_counter()
            response = session.get(base + path)
            timings.add(
                time.perf_counter() - t0,
                response.status_code == 200 and "案件" in response.text,
                len(response.content),
            )
        results[name] = timings.summary(time.perf_counter() - started)
    return results
