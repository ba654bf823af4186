"""Every rule of the 秦野市情報化推進委員会規則 the office enforces, one test (or more) each."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yakusho.plan import services
from yakusho.plan.models import AgendaItem, Meeting, Membership, Minutes, Officer

from ..factories import StaffFactory
from .conftest import COMMITTEE_START

DAY = dt.date(2025, 2, 10)


def _meeting(committee, members, ict, *, present, day=DAY, items=None):
    meeting = services.meeting_schedule(
        body=committee,
        date=day,
        place="秦野市役所 本庁舎",
        items=items or [("resolution", "第5期計画の骨子について", "")],
        actor=ict,
    )
    services.attendance_record(meeting=meeting, present=present, actor=ict)
    return meeting


def _with_officers(committee, members, ict):
    """The first meeting elects 会長 (members[0]) and 副会長 (members[1]) by 互選."""
    first = _meeting(committee, members, ict, present=members, day=COMMITTEE_START)
    services.meeting_open(meeting=first, actor=ict)
    services.officer_elect(
        body=committee,
        office="chair",
        membership=members[0],
        since=COMMITTEE_START,
        meeting=first,
        votes_for=7,
        actor=ict,
    )
    services.officer_elect(
        body=committee,
        office="vice_chair",
        membership=members[1],
        since=COMMITTEE_START,
        meeting=first,
        votes_for=6,
        actor=ict,
    )
    services.meeting_end(meeting=first, actor=ict)
    return first


# 第2条: 8 members, appointed by the mayor ----------------------------------------------------


def test_the_committee_has_at_most_eight_members(committee, members, ict):
    ninth = services.person_upsert(name="九人目")
    with pytest.raises(ValidationError, match="8名"):
        services.member_appoint(
            body=committee,
            person=ninth,
            category="other",
            term_start=dt.date(2025, 1, 1),
            actor=ict,
        )


def test_a_seat_freed_by_a_vacancy_can_be_filled(committee, members, ict):
    services.member_vacate(membership=members[7], on=dt.date(2025, 1, 1), reason="辞任", actor=ict)
    replacement = services.member_replace(
        predecessor=members[7],
        person=services.person_upsert(name="補欠委員"),
        category="ict",
        term_start=dt.date(2025, 1, 15),
        actor=ict,
    )
    assert replacement.predecessor == members[7]


def test_members_are_appointed_in_one_of_the_rule_categories(committee, ict):
    with pytest.raises(ValidationError, match="区分"):
        services.member_appoint(
            body=committee,
            person=services.person_upsert(name="某"),
            category="friend",
            term_start=COMMITTEE_START,
            actor=ict,
        )


def test_only_the_ict_department_appoints(committee, owner):
    with pytest.raises(PermissionDenied):
        services.member_appoint(
            body=committee,
            person=services.person_upsert(name="某"),
            category="other",
            term_start=COMMITTEE_START,
            actor=owner,
        )


# 第3条: 2-year terms, reappointment, a replacement serves the remaining term -------------------


def test_the_term_is_two_years(committee, members, ict):
    assert members[0].term_end == dt.date(2026, 11, 18)
    with pytest.raises(ValidationError, match="任期は2年"):
        services.member_appoint(
            body=committee,
            person=services.person_upsert(name="三年"),
            category="other",
            term_start=dt.date(2026, 12, 1),
            term_end=dt.date(2029, 11, 30),
            actor=ict,
        )


def test_reappointment_is_a_new_term_from_the_next_day(members, ict):
    again = services.member_reappoint(membership=members[0], actor=ict)
    assert again.person == members[0].person
    assert again.term_start == dt.date(2026, 11, 19)
    assert again.term_end == dt.date(2028, 11, 18)
    assert Membership.objects.filter(person=members[0].person).count() == 2


def test_no_second_term_while_the_first_runs(committee, members, ict):
    with pytest.raises(ValidationError, match="任期中"):
        services.member_appoint(
            body=committee,
            person=members[0].person,
            category="academic",
            term_start=dt.date(2025, 6, 1),
            actor=ict,
        )


def test_a_replacement_ends_on_the_predecessors_term_end(members, ict):
    services.member_vacate(membership=members[3], on=dt.date(2025, 6, 30), reason="転居", actor=ict)
    replacement = services.member_replace(
        predecessor=members[3],
        person=services.person_upsert(name="補欠"),
        category="academic",
        term_start=dt.date(2025, 7, 10),
        actor=ict,
    )
    assert replacement.term_end == members[3].term_end == dt.date(2026, 11, 18)


def test_a_replacement_term_past_the_predecessors_is_refused(members, ict):
    services.member_vacate(membership=members[3], on=dt.date(2025, 6, 30), reason="転居", actor=ict)
    with pytest.raises(ValidationError, match="残任期間"):
        services.member_replace(
            predecessor=members[3],
            person=services.person_upsert(name="補欠"),
            category="academic",
            term_start=dt.date(2025, 7, 10),
            term_end=dt.date(2027, 7, 9),
            actor=ict,
        )


def test_no_replacement_without_a_vacancy(members, ict):
    with pytest.raises(ValidationError, match="欠けていない"):
        services.member_replace(
            predecessor=members[3],
            person=services.person_upsert(name="補欠"),
            category="academic",
            term_start=dt.date(2025, 7, 10),
            actor=ict,
        )


# 第4条: 会長 and 副会長 by mutual election ----------------------------------------------------


def test_officers_are_elected_by_the_members_at_a_meeting(committee, members, ict):
    first = _with_officers(committee, members, ict)
    chair = Officer.objects.get(office="chair")
    assert chair.method == Officer.Method.ELECTION
    assert (chair.votes_for, chair.electors, chair.meeting) == (7, 8, first)
    assert services.officer_on(committee, "chair", DAY) == members[0]
    assert services.officer_on(committee, "vice_chair", DAY) == members[1]


def test_an_election_needs_a_majority_of_those_present(committee, members, ict):
    meeting = _meeting(committee, members, ict, present=members, day=COMMITTEE_START)
    services.meeting_open(meeting=meeting, actor=ict)
    with pytest.raises(ValidationError, match="過半数"):
        services.officer_elect(
            body=committee,
            office="chair",
            membership=members[0],
            since=COMMITTEE_START,
            meeting=meeting,
            votes_for=4,
            actor=ict,
        )


def test_an_election_outside_a_meeting_or_of_a_non_member_is_refused(committee, members, ict):
    with pytest.raises(ValidationError, match="互選"):
        services.officer_elect(
            body=committee, office="chair", membership=members[0], since=COMMITTEE_START, actor=ict
        )
    meeting = _meeting(committee, members, ict, present=members, day=COMMITTEE_START)
    services.meeting_open(meeting=meeting, actor=ict)
    stranger = services.member_appoint(
        body=services.body_upsert(code="other", kind="committee", name="別の委員会", actor=ict),
        person=services.person_upsert(name="部外者"),
        category="other",
        term_start=COMMITTEE_START,
        actor=ict,
    )
    with pytest.raises(ValidationError, match="委員ではない"):
        services.officer_elect(
            body=committee,
            office="chair",
            membership=stranger,
            since=COMMITTEE_START,
            meeting=meeting,
            votes_for=8,
            actor=ict,
        )


def test_chair_and_vice_chair_are_different_members(committee, members, ict):
    meeting = _meeting(committee, members, ict, present=members, day=COMMITTEE_START)
    services.meeting_open(meeting=meeting, actor=ict)
    services.officer_elect(
        body=committee,
        office="chair",
        membership=members[0],
        since=COMMITTEE_START,
        meeting=meeting,
        votes_for=8,
        actor=ict,
    )
    with pytest.raises(ValidationError, match="別の委員"):
        services.officer_elect(
            body=committee,
            office="vice_chair",
            membership=members[0],
            since=COMMITTEE_START,
            meeting=meeting,
            votes_for=8,
            actor=ict,
        )


# 第5条: chair presides, quorum, majority with the chair's casting vote ------------------------


def test_the_chair_presides(committee, members, ict):
    _with_officers(committee, members, ict)
    meeting = _meeting(committee, members, ict, present=members[:6])
    meeting = services.meeting_open(meeting=meeting, actor=ict)
    assert meeting.presiding == members[0]


def test_the_vice_chair_presides_when_the_chair_is_absent(committee, members, ict):
    _with_officers(committee, members, ict)
    meeting = _meeting(committee, members, ict, present=members[1:7])
    services.meeting_open(meeting=meeting, actor=ict)
    meeting.refresh_from_db()
    assert meeting.presiding == members[1]


def test_no_meeting_without_a_majority_of_members(committee, members, ict):
    _with_officers(committee, members, ict)
    meeting = _meeting(committee, members, ict, present=members[:4])  # 4 of 8 is not a majority
    with pytest.raises(ValidationError, match="過半数の出席がない") as refused:
        services.meeting_open(meeting=meeting, actor=ict)
    assert "委員8名のうち出席4名" in refused.value.messages[0]
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.PLANNED
    _meeting_five = _meeting(committee, members, ict, present=members[:5])
    services.meeting_open(meeting=_meeting_five, actor=ict)


def test_quorum_counts_the_members_serving_that_day(committee, members, ict):
    _with_officers(committee, members, ict)
    for m in members[5:]:
        services.member_vacate(membership=m, on=dt.date(2025, 1, 1), reason="辞任", actor=ict)
    # 5 members serve; 3 present is a majority of them.
    meeting = _meeting(committee, members, ict, present=members[:3])
    services.meeting_open(meeting=meeting, actor=ict)


def test_someone_not_serving_cannot_be_counted_present(committee, members, ict):
    services.member_vacate(membership=members[7], on=dt.date(2025, 1, 1), reason="辞任", actor=ict)
    meeting = services.meeting_schedule(body=committee, date=DAY, actor=ict)
    with pytest.raises(ValidationError, match="出席に数えられません"):
        services.attendance_record(meeting=meeting, present=members, actor=ict)


def _open(committee, members, ict, present, kind="resolution"):
    _with_officers(committee, members, ict)
    meeting = _meeting(
        committee, members, ict, present=present, items=[(kind, "議題", "会議の秩序維持のため")]
    )
    services.meeting_open(meeting=meeting, actor=ict)
    return meeting, meeting.items.get()


def test_majority_of_those_present_carries(committee, members, ict):
    _meeting, item = _open(committee, members, ict, present=members[:7])  # chair + 6 voters
    for m, choice in zip(members[1:7], ["aye"] * 4 + ["nay"] * 2, strict=True):
        services.vote_record(item=item, membership=m, choice=choice, actor=ict)
    item = services.item_decide(item=item, actor=ict)
    assert (item.result, item.ayes, item.nays, item.casting_vote) == ("carried", 4, 2, "")


def test_half_is_not_a_majority(committee, members, ict):
    _meeting, item = _open(committee, members, ict, present=members[:7])
    for m, choice in zip(members[1:7], ["aye", "aye", "aye", "nay", "nay", "abstain"], strict=True):
        services.vote_record(item=item, membership=m, choice=choice, actor=ict)
    assert services.item_decide(item=item, actor=ict).result == "rejected"


def test_a_tie_is_decided_by_the_chair(committee, members, ict):
    _meeting, item = _open(committee, members, ict, present=members[:7])
    for m, choice in zip(members[1:7], ["aye"] * 3 + ["nay"] * 3, strict=True):
        services.vote_record(item=item, membership=m, choice=choice, actor=ict)
    with pytest.raises(ValidationError, match="可否同数"):
        services.item_decide(item=item, actor=ict)
    item = services.item_decide(item=item, casting_vote="aye", actor=ict)
    assert (item.result, item.ayes, item.nays, item.casting_vote) == ("carried", 3, 3, "aye")


def test_the_chair_cannot_decide_without_a_tie(committee, members, ict):
    _meeting, item = _open(committee, members, ict, present=members[:7])
    for m in members[1:7]:
        services.vote_record(item=item, membership=m, choice="nay", actor=ict)
    with pytest.raises(ValidationError, match="可否同数ではない"):
        services.item_decide(item=item, casting_vote="aye", actor=ict)


def test_the_chair_does_not_vote(committee, members, ict):
    _meeting, item = _open(committee, members, ict, present=members[:7])
    with pytest.raises(ValidationError, match="議長は表決に加わりません"):
        services.vote_record(item=item, membership=members[0], choice="aye", actor=ict)


def test_a_non_member_cannot_vote(committee, members, ict):
    _meeting, item = _open(committee, members, ict, present=members[:7])
    other = services.body_upsert(code="kanji", kind="kanji", name="幹事会", actor=ict)
    outsider = services.member_appoint(
        body=other,
        person=services.person_upsert(name="幹事"),
        category="staff",
        term_start=COMMITTEE_START,
        actor=ict,
    )
    with pytest.raises(ValidationError, match="委員ではない"):
        services.vote_record(item=item, membership=outsider, choice="aye", actor=ict)


def test_a_member_whose_term_ended_cannot_vote(committee, members, ict):
    services.member_vacate(membership=members[6], on=dt.date(2025, 1, 1), reason="辞任", actor=ict)
    _meeting, item = _open(committee, members, ict, present=members[:6])
    with pytest.raises(ValidationError, match="任期"):
        services.vote_record(item=item, membership=members[6], choice="aye", actor=ict)


def test_an_absent_member_cannot_vote(committee, members, ict):
    _meeting, item = _open(committee, members, ict, present=members[:6])
    with pytest.raises(ValidationError, match="出席していない"):
        services.vote_record(item=item, membership=members[7], choice="aye", actor=ict)


# 第6条: public unless the committee decides otherwise ----------------------------------------


def test_meetings_are_public_unless_closed_by_a_decision(committee, members, ict):
    meeting, item = _open(committee, members, ict, present=members[:7], kind="close")
    assert meeting.is_public
    for m in members[1:7]:
        services.vote_record(item=item, membership=m, choice="aye", actor=ict)
    services.item_decide(item=item, actor=ict)
    meeting.refresh_from_db()
    assert not meeting.is_public
    assert meeting.closed_reason == "会議の秩序維持のため"


def test_a_rejected_motion_to_close_keeps_the_meeting_public(committee, members, ict):
    meeting, item = _open(committee, members, ict, present=members[:7], kind="close")
    for m in members[1:7]:
        services.vote_record(item=item, membership=m, choice="nay", actor=ict)
    services.item_decide(item=item, actor=ict)
    meeting.refresh_from_db()
    assert meeting.is_public


# 第7条: minutes signed by the chair and one member the chair names ----------------------------


def _ended(committee, members, ict):
    meeting, _item = _open(committee, members, ict, present=members[:7])
    services.meeting_end(meeting=meeting, actor=ict)
    minutes = services.minutes_draft(meeting=meeting, text="議事の要点。", actor=ict)
    return meeting, minutes


def test_minutes_are_signed_by_the_chair_and_the_named_member_then_published(
    committee, members, ict
):
    _meeting, minutes = _ended(committee, members, ict)
    services.minutes_name_signer(minutes=minutes, membership=members[2], actor=ict)
    services.minutes_sign(minutes=minutes, membership=members[0], actor=ict)
    services.minutes_sign(minutes=minutes, membership=members[2], actor=ict)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.SIGNED
    assert {s.sha256 for s in minutes.signatures.all()} == {services.minutes_digest("議事の要点。")}
    services.minutes_publish(minutes=minutes, actor=ict)
    minutes.refresh_from_db()
    assert minutes.status == Minutes.Status.PUBLISHED


def test_a_member_the_chair_did_not_name_cannot_sign(committee, members, ict):
    _meeting, minutes = _ended(committee, members, ict)
    services.minutes_name_signer(minutes=minutes, membership=members[2], actor=ict)
    with pytest.raises(ValidationError, match="指名した委員でもない"):
        services.minutes_sign(minutes=minutes, membership=members[3], actor=ict)


def test_the_named_signer_must_be_another_member_who_attended(committee, members, ict):
    _meeting, minutes = _ended(committee, members, ict)
    with pytest.raises(ValidationError, match="会長のほかに"):
        services.minutes_name_signer(minutes=minutes, membership=members[0], actor=ict)
    with pytest.raises(ValidationError, match="出席した委員"):
        services.minutes_name_signer(minutes=minutes, membership=members[7], actor=ict)


def test_only_the_chair_names_the_signer(committee, members, ict):
    _meeting, minutes = _ended(committee, members, ict)
    member_user = StaffFactory()
    person = members[2].person
    person.user = member_user
    person.save()
    with pytest.raises(PermissionDenied):
        services.minutes_name_signer(minutes=minutes, membership=members[3], actor=member_user)
    chair_user = StaffFactory()
    chair = members[0].person
    chair.user = chair_user
    chair.save()
    services.minutes_name_signer(minutes=minutes, membership=members[3], actor=chair_user)
    # The named member signs in person; the record says it was them, not on their behalf.
    services.minutes_sign(minutes=minutes, membership=members[0], actor=chair_user)
    m3_user = StaffFactory()
    members[3].person.user = m3_user
    members[3].person.save()
    signature = services.minutes_sign(minutes=minutes, membership=members[3], actor=m3_user)
    assert signature.on_behalf is False
    with pytest.raises(PermissionDenied):
        services.minutes_sign(minutes=minutes, membership=members[3], actor=member_user)


def test_signed_minutes_cannot_change(committee, members, ict):
    meeting, minutes = _ended(committee, members, ict)
    services.minutes_name_signer(minutes=minutes, membership=members[2], actor=ict)
    services.minutes_sign(minutes=minutes, membership=members[0], actor=ict)
    with pytest.raises(ValidationError, match="署名が始まった"):
        services.minutes_draft(meeting=meeting, text="書き換え", actor=ict)
    with pytest.raises(ValidationError, match="署名がそろって"):
        services.minutes_publish(minutes=minutes, actor=ict)


def test_minutes_tampered_after_signing_are_not_published(committee, members, ict):
    _meeting, minutes = _ended(committee, members, ict)
    services.minutes_name_signer(minutes=minutes, membership=members[2], actor=ict)
    services.minutes_sign(minutes=minutes, membership=members[0], actor=ict)
    services.minutes_sign(minutes=minutes, membership=members[2], actor=ict)
    Minutes.objects.filter(pk=minutes.pk).update(text="こっそり変更")
    with pytest.raises(ValidationError, match="内容が変わって"):
        services.minutes_publish(minutes=minutes, actor=ict)


# 第8条: confidentiality — a closed meeting's minutes never reach the residents' site ---------


def test_closed_meetings_minutes_text_is_not_public(client, committee, members, ict):
    meeting, item = _open(committee, members, ict, present=members[:7], kind="close")
    for m in members[1:7]:
        services.vote_record(item=item, membership=m, choice="aye", actor=ict)
    services.item_decide(item=item, actor=ict)
    services.meeting_end(meeting=meeting, actor=ict)
    minutes = services.minutes_draft(meeting=meeting, text="秘密の議論の内容", actor=ict)
    services.minutes_name_signer(minutes=minutes, membership=members[2], actor=ict)
    services.minutes_sign(minutes=minutes, membership=members[0], actor=ict)
    services.minutes_sign(minutes=minutes, membership=members[2], actor=ict)
    services.minutes_publish(minutes=minutes, actor=ict)
    page = client.get(f"/ja/plan/minutes/{minutes.pk}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "秘密の議論の内容" not in text
    assert "非公開" in text
    listing = client.get("/ja/plan/minutes/").content.decode()
    assert "秘密の議論の内容" not in listing


def test_every_step_is_audited(committee, members, ict):
    from yakusho.core.models import AuditRecord

    _meeting, _minutes = _ended(committee, members, ict)
    actions = set(AuditRecord.objects.values_list("action", flat=True))
    assert {
        "plan.member_appointed",
        "plan.officer_elected",
        "plan.meeting_opened",
        "plan.meeting_ended",
        "plan.minutes_drafted",
        "plan.attendance",
    } <= actions


def test_item_kinds_are_checked(committee, members, ict):
    meeting = services.meeting_schedule(body=committee, date=DAY, actor=ict)
    with pytest.raises(ValidationError):
        services.agenda_item_add(meeting=meeting, kind="whatever", title="x", actor=ict)
    assert AgendaItem.objects.count() == 0
