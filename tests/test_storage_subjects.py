"""Counts and look-ups behind the subject and review pages, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from storage import dossier, identity
from tests.conftest import seed_subjects


@pytest.fixture
def seeded(session, tmp_path):
    """The invented reports read, extracted and resolved into subjects."""
    return seed_subjects(session, tmp_path)


def test_storage_subjects_counts_and_nationalities(session, seeded):
    assert dossier.count_subjects(session) == 4
    assert dossier.count_subjects(session, nationality="au") == 2
    assert dossier.count_subjects(session, nationality="FR") == 0
    assert dossier.subject_nationalities(session) == [("AU", 2), ("DE", 1), ("IT", 1)]


def test_storage_subjects_review_item_lookup_and_count_follow_decisions(session, seeded):
    assert identity.count_review_items(session) == 1
    (item,) = identity.list_review_items(session)
    assert identity.get_review_item(session, item_id=item.id) == item
    assert identity.get_review_item(session, item_id=item.id + 1000) is None
    identity.decide_review(session, item_id=item.id, decision="same", user="dewi")
    assert identity.count_review_items(session) == 0
    assert identity.count_review_items(session, status="decided") == 1
    decided = identity.get_review_item(session, item_id=item.id)
    assert decided is not None and (decided.status, decided.decided_by) == ("decided", "dewi")
    subjects = {
        identity.subject_of_mention(session, mention_id=m.mention_id) for m in (item.a, item.b)
    }
    assert len(subjects) == 1 and None not in subjects
    assert identity.subject_of_mention(session, mention_id=99999) is None
