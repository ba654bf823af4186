"""A small plan and a 情報化推進委員会 set up as the 規則 says, for the plan app's tests."""

from __future__ import annotations

import datetime as dt

import pytest

from yakusho.accounts.models import Role
from yakusho.plan import services
from yakusho.plan.models import Body, Membership

from ..factories import DepartmentFactory, StaffFactory, assign, division

COMMITTEE_START = dt.date(2024, 11, 19)


@pytest.fixture
def ict(db):
    """A member of staff of 情報政策課 (the ICT department)."""
    department = division("joho-seisaku", "情報政策課")
    user = StaffFactory(last_name="情報")
    assign(user, department, Role.TANTO)
    return user


@pytest.fixture
def owner_department(db):
    return division("kodomo-seisaku", "こども政策課")


@pytest.fixture
def owner(owner_department):
    user = StaffFactory(last_name="子育")
    assign(user, owner_department, Role.TANTO)
    return user


@pytest.fixture
def other_owner(db):
    user = StaffFactory(last_name="介護")
    assign(user, division("korei-kaigo", "高齢介護課"), Role.TANTO)
    return user


@pytest.fixture
def plan(ict):
    plan = services.plan_upsert(
        code="hadano-ict",
        name="はだのＩＣＴ活用推進計画",
        start_year=2021,
        end_year=2025,
        midterm_year=2023,
        philosophy="市民と行政の未来をつなぐ、ＩＣＴ・データの有効活用",
        actor=ict,
    )
    services.grades_set(
        plan=plan,
        grades=[
            ("A", "計画どおり以上に進んでいる", {}),
            ("B", "概ね計画どおり", {}),
            ("C", "遅れている", {}),
            ("D", "大幅に遅れている・未着手", {}),
        ],
        actor=ict,
    )
    return plan


@pytest.fixture
def program(plan, ict):
    policy = services.policy_upsert(
        plan=plan, number=1, title="市民にとって便利でやさしいＩＣＴ活用の推進", actor=ict
    )
    return services.program_create(
        policy=policy,
        number=1,
        title="行政手続等デジタル化の推進",
        description="行政手続をはじめとする各種行政サービスのデジタル化を推進します。",
        sdg_goals=[9, 11, 16],
        actor=ict,
    )


@pytest.fixture
def project(program, owner_department, ict):
    return services.project_upsert(
        program=program,
        code="online-apply",
        name="電子申請の拡充",
        department=owner_department,
        actor=ict,
    )


@pytest.fixture
def committee(ict):
    return services.body_upsert(
        code="iinkai",
        kind=Body.Kind.COMMITTEE,
        name="秦野市情報化推進委員会",
        max_members=8,
        term_years=2,
        officers_elected=True,
        actor=ict,
    )


@pytest.fixture
def members(committee, ict) -> list[Membership]:
    """Eight members appointed on one day, as the 規則 (第2条) allows."""
    result = []
    for index in range(8):
        person = services.person_upsert(name=f"委員{index + 1}", affiliation="学識経験者")
        result.append(
            services.member_appoint(
                body=committee,
                person=person,
                category=Membership.Category.ACADEMIC,
                term_start=COMMITTEE_START,
                appointed_by="市長",
                actor=ict,
            )
        )
    return result


@pytest.fixture
def department_factory():
    return DepartmentFactory
