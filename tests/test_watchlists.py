"""Watchlists: a watched name, number, subject or query raises one alert per new document
that names them, with its evidence; screening is incremental and shared or private watches
are seen by the right investigators."""

from __future__ import annotations

import json

import pytest

from extractors.facts import extract_facts
from extractors.identity import blocking_keys, score_pair
from models.errors import WatchError
from models.records import ExtractionResult, Fact, FactKind, MentionFeatures
from models.tables import Alert, Watch, WatchCursor
from storage import identity, repository, screening, watch
from storage.dossier import mentions_of
from storage.watch import NAME_THRESHOLD, watch_keys
from tests.conftest import document_result
from tools.passport import passport_zone

# Own letters (invented): the watched man under his full name with his passport number,
# a letter that names another Pakistani Khan, and a passport copy in a letter's appendix.
MEDAN = """KANTOR IMIGRASI KELAS I TPI MEDAN

Nomor    : W2.IMI.3-GR.04-2210
Hal      : Pemberitahuan pengawasan orang asing

Pada tanggal 5 Oktober 2026 Tim Pengawasan Orang Asing Kota Medan mendatangi sebuah gudang \
di Kecamatan Medan Belawan. Warga negara Pakistan bernama Muhammad Rizwan Khan (41) pemegang \
paspor nomor BK4471902 diketahui bekerja sebagai pengawas gudang tanpa izin kerja dan \
langsung diamankan oleh petugas.
"""
BATAM = """Pada tanggal 3 Desember 2026 petugas memeriksa warga negara Pakistan bernama Imran Khan \
yang tinggal melebihi izin tinggal di Kota Batam.
"""
DUMAI = "Petugas memeriksa seorang warga negara Pakistan berinisial M. R. Khan di pelabuhan Dumai."
APPENDIX = """Pada tanggal 9 Desember 2026 petugas memeriksa seorang pekerja asing di sebuah \
pabrik di Kota Batam. Salinan paspornya terlampir.

{zone}
"""
WATCHED = "Mohamad Rizwan Khan"


@pytest.fixture(autouse=True)
def in_english():
    """Storage's messages in the source language (the process default is Indonesian)."""
    from models import i18n

    with i18n.using("en"):
        yield


# --- the name threshold ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "caught"),
    [
        ("Muhammad Rizwan Khan", True),  # a variant spelling of the first name: 1.0
        ("Khan Muhammad Rizwan", True),  # another word order: 1.0
        ("M. R. Khan", True),  # abbreviated words: 0.8
        ("Rizwan Khan", True),  # without the first name: 0.65
        ("Mohamad Khan", True),  # a middle name left out: 0.95
        ("M. Khan", True),  # an initial and the surname: 0.8
        ("Imran Khan", False),  # another man of the same surname: 0.15
        ("Muhammad Asif Khan", False),  # a common first name and the surname: 0.3
        ("Khan", False),  # the surname alone: 0.6, too many people
        ("MRK", False),  # bare initials: 0.6, too many people
    ],
)
def test_watch_name_threshold_catches_variants_and_not_another_khan(written, caught):
    wanted = MentionFeatures(name=WATCHED)
    assert (score_pair(wanted, found_mention(written)).value >= NAME_THRESHOLD) is caught
    # Screening scores only the watches that pass the key prefilter: every catch passes.
    indexed = watch_keys(Watch(id=1, owner="dewi", kind="name", name=WATCHED))
    found = {key: [(1, need)] for key, need in indexed.items()}
    keys = blocking_keys(found_mention(written))
    nominated = screening.candidates(keys, found, short=watch.abbreviated([written]))
    assert nominated == [1] or not caught


def found_mention(written: str) -> MentionFeatures:
    return MentionFeatures(name=written, nationality="PK")


@pytest.mark.parametrize(
    ("written", "nominated"),
    [
        ("Muhammad Karim", False),  # a common first name and the same initials
        ("Muhammad", True),  # one word: any shared key
        ("M. Karim", True),  # abbreviated: any shared key
    ],
)
def test_screening_prefilter_skips_a_shared_first_name(written, nominated):
    indexed = watch_keys(Watch(id=1, owner="dewi", kind="name", name="Muhammad Kasim"))
    found = {key: [(1, need)] for key, need in indexed.items()}
    keys = blocking_keys(MentionFeatures(name=written))
    assert (screening.candidates(keys, found, short=watch.abbreviated([written])) == [1]) is (
        nominated
    )


def test_watch_keys_of_each_kind():
    assert watch_keys(Watch(owner="dewi", kind="number", number="BK4471902")) == {"p:BK4471902": 1}
    assert watch_keys(Watch(owner="dewi", kind="subject", subject_id=7)) == {"s:7": 1}
    query = Watch(owner="dewi", kind="query", nationality="PK", incident="arrest", region="12")
    assert watch_keys(query) == {"qr:12": 1}
    name = watch_keys(Watch(owner="dewi", kind="name", name=WATCHED))
    assert set(name) == {"n:muha", "n:rizw", "n:khan", "i:kmr"}
    assert set(name.values()) == {2}
    assert set(watch_keys(Watch(owner="dewi", kind="name", name="M. R. Khan")).values()) == {1}


# --- screening --------------------------------------------------------------------------


def store_letter(session, store_document, path: str, text: str, facts=None) -> int:
    """A letter stored and extracted (its own facts, or the real extractor's), then resolved
    and screened the way a batch does."""
    document = store_document(path, [text])
    extraction = (
        ExtractionResult(extractor="uji", facts=facts)
        if facts is not None
        else extract_facts([(1, text)], document_date="2026-12-10")
    )
    repository.save_extraction(session, document_id=document.id, extraction=extraction)
    identity.resolve(session)
    screening.screen(session)
    return document.id


def person(text: str, name: str, **attributes) -> Fact:
    """A foreign-national fact over `name` in a one-sentence page."""
    start = text.index(name)
    return Fact(
        kind=FactKind.FOREIGN_NATIONAL,
        page=1,
        start=start,
        end=start + len(name),
        text=name,
        value=name,
        sentence=text,
        method="rule:uji",
        confidence=0.9,
        attributes=attributes,
    )


def alerts_of(session, user: str = "dewi") -> dict[int, watch.AlertRecord]:
    return {a.document_id: a for a in watch.list_alerts(session, user=user)}


def test_screening_catches_name_variants_and_not_another_person(session, store_document):
    watch.add_watch(session, owner="dewi", kind="name", name=WATCHED, note="ditangkap di Medan")
    medan = store_letter(session, store_document, "/arsip/medan.pdf", MEDAN)
    dumai = store_letter(
        session,
        store_document,
        "/arsip/dumai.pdf",
        DUMAI,
        facts=[person(DUMAI, "M. R. Khan", nationality="PK")],
    )
    batam = store_letter(session, store_document, "/arsip/batam.pdf", BATAM)
    found = alerts_of(session)
    assert set(found) == {medan, dumai}
    assert batam not in found
    alert = found[medan]
    assert alert.page == 1
    assert "Muhammad Rizwan Khan" in alert.evidence
    assert alert.marks == ["Muhammad Rizwan Khan"]
    assert ("Muhammad Rizwan Khan", True) in alert.segments()
    assert alert.reasons[0] == "name score 1.00"
    assert found[dumai].reasons[0] == "name score 0.80"
    assert alert.mention_id is not None


def test_a_number_watch_catches_the_letter_and_the_passport_zone(session, store_document):
    watch.add_watch(session, owner="dewi", kind="number", number="bk 447 1902")
    medan = store_letter(session, store_document, "/arsip/medan.pdf", MEDAN)
    zone = "\n".join(
        passport_zone(
            country="PAK",
            surname="Khan",
            given_names="Muhammad Rizwan",
            number="BK4471902",
            birth="850214",
            sex="M",
            expiry="310101",
        )
    )
    appendix = store_letter(
        session, store_document, "/arsip/lampiran.pdf", APPENDIX.format(zone=zone)
    )
    batam = store_letter(session, store_document, "/arsip/batam.pdf", BATAM)
    found = alerts_of(session)
    assert set(found) == {medan, appendix}
    assert batam not in found
    assert found[medan].reasons == ["same passport/permit number (BK4471902)"]
    assert "BK4471902" in found[medan].marks
    assert "BK4471902" in found[appendix].evidence  # the zone's line with the number


def test_a_query_watch_needs_every_field(session, store_document):
    watch.add_watch(
        session, owner="dewi", kind="query", nationality="pk", region="12", incident="illegal_work"
    )
    watch.add_watch(session, owner="dewi", kind="query", nationality="PK", incident="deportation")
    medan = store_letter(session, store_document, "/arsip/medan.pdf", MEDAN)
    store_letter(session, store_document, "/arsip/batam.pdf", BATAM)  # overstay in Riau islands
    found = watch.list_alerts(session, user="dewi")
    assert [a.document_id for a in found] == [medan]
    [alert] = found
    assert alert.reasons == ["nationality PK", "region 12", "incident illegal_work"]
    assert alert.watch_label == "PK · 12 · illegal_work"
    assert alert.marks and all(mark in alert.evidence for mark in alert.marks)


def test_a_subject_watch_catches_a_later_letter_about_them(session, store_document):
    medan = store_letter(session, store_document, "/arsip/medan.pdf", MEDAN)
    [mention] = mentions_of(session, document_ids=[medan])
    watch.add_watch(session, owner="dewi", kind="subject", subject_id=mention.subject_id)
    later = MEDAN.replace("5 Oktober", "7 Oktober").replace("gudang", "toko")
    second = store_letter(session, store_document, "/arsip/medan-2.pdf", later)
    assert set(alerts_of(session)) == {second}  # the letter already stored is not screened
    with pytest.raises(WatchError):
        watch.add_watch(session, owner="dewi", kind="subject", subject_id=9999)


def test_screening_is_incremental_and_never_alerts_twice(session, store_document):
    watch.add_watch(session, owner="dewi", kind="name", name=WATCHED)
    medan = store_letter(session, store_document, "/arsip/medan.pdf", MEDAN)
    cursor = session.get(WatchCursor, 1, populate_existing=True)
    assert cursor.mention_id == max(m.id for m in mentions_of(session))
    again = screening.screen(session)
    assert (again.mentions, again.alerts) == (0, 0)
    # Re-extraction under another spelling: a new mention row, screened, and no second alert.
    respelled = MEDAN.replace("Muhammad Rizwan Khan", "Mohammad Rizwan Khan")
    facts = extract_facts([(1, respelled)], document_date="2026-12-10")
    repository.save_extraction(session, document_id=medan, extraction=facts)
    identity.resolve(session)
    report = screening.screen(session)
    assert report.mentions == 1 and report.alerts == 0
    assert len(session.exec(Alert.__table__.select()).all()) == 1


def test_a_new_watch_does_not_screen_the_archive(session, store_document):
    store_letter(session, store_document, "/arsip/medan.pdf", MEDAN)
    watch.add_watch(session, owner="dewi", kind="name", name=WATCHED)
    assert screening.screen(session).alerts == 0
    assert watch.list_alerts(session, user="dewi") == []


def test_a_failing_screening_keeps_the_cursor(session, store_document, monkeypatch):
    watch.add_watch(session, owner="dewi", kind="name", name=WATCHED)
    document = store_document("/arsip/medan.pdf", [MEDAN])
    extraction = extract_facts([(1, MEDAN)], document_date="2026-12-10")
    repository.save_extraction(session, document_id=document.id, extraction=extraction)
    identity.resolve(session)
    before = session.get(WatchCursor, 1, populate_existing=True).mention_id

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(screening, "_alert", broken)
    with pytest.raises(RuntimeError):
        screening.screen(session)
    assert session.get(WatchCursor, 1, populate_existing=True).mention_id == before
    monkeypatch.undo()
    assert screening.screen(session).alerts == 1


def test_the_batch_logs_a_failed_screening_and_goes_on(tmp_path, monkeypatch):
    from flows import batch

    def broken(session):
        raise RuntimeError("disk full")

    logged: list[str] = []
    monkeypatch.setattr(screening, "screen", broken)
    monkeypatch.setattr(batch.logger, "error", lambda message, *args: logged.append(message % args))
    batch.screen_or_log(f"sqlite:///{tmp_path / 'pantau.db'}", run_id=3)
    assert "run 3: screening the watchlists failed (RuntimeError: disk full)" in logged[0]


def test_the_cursor_waits_for_a_document_being_read(session, store_document):
    watch.add_watch(session, owner="dewi", kind="name", name=WATCHED)
    run = repository.start_run(session, inputs=["/arsip"])
    repository.claim_document(
        session,
        path="/arsip/sedang-dibaca.pdf",
        sha256="0" * 64,
        size=10,
        media_type="application/pdf",
        run_id=run.id,
    )
    store_letter(session, store_document, "/arsip/medan.pdf", MEDAN)
    cursor = session.get(WatchCursor, 1, populate_existing=True)
    assert cursor.mention_id == 0  # held: the pending document may commit lower ids
    assert len(watch.list_alerts(session, user="dewi")) == 1
    assert screening.screen(session).alerts == 0  # screened again, not alerted again


# --- visibility, seen, changes ----------------------------------------------------


def test_shared_and_private_watches_and_seen_per_user(session, store_document):
    private = watch.add_watch(session, owner="dewi", kind="name", name=WATCHED)
    shared = watch.add_watch(session, owner="dewi", kind="number", number="BK4471902")
    watch.change_watch(session, watch_id=shared.id, user="dewi", shared=True, note="DPO")
    store_letter(session, store_document, "/arsip/medan.pdf", MEDAN)
    mine = watch.list_alerts(session, user="dewi")
    theirs = watch.list_alerts(session, user="budi")
    assert {a.watch_id for a in mine} == {private.id, shared.id}
    assert {a.watch_id for a in theirs} == {shared.id}
    assert [w.id for w in watch.list_watches(session, user="budi")] == [shared.id]
    assert watch.count_unseen(session, user="dewi") == 2
    assert watch.count_unseen(session, user="budi") == 1
    # budi cannot mark dewi's private alert; his own mark leaves dewi's unseen.
    private_alert = next(a.id for a in mine if a.watch_id == private.id)
    shared_alert = next(a.id for a in mine if a.watch_id == shared.id)
    assert watch.mark_seen(session, user="budi", alert_ids=[private_alert, shared_alert]) == [
        shared_alert
    ]
    assert watch.count_unseen(session, user="budi") == 0
    assert watch.count_unseen(session, user="dewi") == 2
    watch.mark_seen(session, user="dewi", alert_ids=[shared_alert])
    listed = watch.list_alerts(session, user="dewi")
    assert [(a.id, a.seen) for a in listed] == [(private_alert, False), (shared_alert, True)]
    assert watch.list_alerts(session, user="dewi", unseen_only=True)[0].id == private_alert


def test_only_the_owner_changes_or_removes_a_watch(session, store_document):
    kept = watch.add_watch(session, owner="dewi", kind="name", name=WATCHED, shared=True)
    with pytest.raises(WatchError, match="belongs to dewi"):
        watch.remove_watch(session, watch_id=kept.id, user="budi")
    with pytest.raises(WatchError, match="belongs to dewi"):
        watch.change_watch(session, watch_id=kept.id, user="budi", shared=False)
    store_letter(session, store_document, "/arsip/medan.pdf", MEDAN)
    [alert] = watch.list_alerts(session, user="dewi")
    watch.mark_seen(session, user="dewi", alert_ids=[alert.id])
    watch.remove_watch(session, watch_id=kept.id, user="dewi")
    assert watch.list_watches(session, user="dewi") == []
    assert watch.list_alerts(session, user="dewi") == []
    with pytest.raises(WatchError, match="No watch"):
        watch.remove_watch(session, watch_id=kept.id, user="dewi")


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"kind": "number", "number": "12-AB"}, "not a passport or permit number"),
        ({"kind": "name", "name": " . "}, "at least one word"),
        ({"kind": "name", "name": "M.R.K."}, "initials only"),
        ({"kind": "query"}, "needs a nationality, a region or an incident"),
        ({"kind": "query", "nationality": "PAK"}, "two-letter country code"),
        ({"kind": "query", "region": "51.03.02"}, "province or regency code"),
        ({"kind": "query", "incident": "spying"}, "not an incident label"),
    ],
)
def test_a_watch_that_watches_nothing_is_refused(session, fields, message):
    with pytest.raises(WatchError, match=message):
        watch.add_watch(session, owner="dewi", **fields)


def test_mark_words_marks_every_form_case_insensitively():
    assert watch.mark_words("Paspor bk4471902 milik KHAN.", ["BK4471902", "Khan"]) == [
        ("Paspor ", False),
        ("bk4471902", True),
        (" milik ", False),
        ("KHAN", True),
        (".", False),
    ]
    assert watch.mark_words("", ["x"]) == []


# --- the migration ------------------------------------------------------------------


def test_the_migration_starts_the_cursor_at_the_newest_rows(session, db_engine, store_document):
    from storage import migrate

    store_letter(session, store_document, "/arsip/medan.pdf", MEDAN)
    newest = max(m.id for m in mentions_of(session))
    session.close()
    migrate.downgrade(db_engine, "0017")
    migrate.upgrade(db_engine)
    cursor = session.get(WatchCursor, 1, populate_existing=True)
    assert cursor.mention_id == newest and cursor.linked_id > 0
    watch.add_watch(session, owner="dewi", kind="name", name=WATCHED)
    assert screening.screen(session).alerts == 0


def test_screening_reads_fewer_index_rows_and_finds_the_same_watches(session):
    """Under a common key only watches needing one key are read, yet every watch that the
    full index nominates is found."""
    import random

    rng = random.Random(11)
    given = ["Muhammad", "Mohammed", "Ali", "Wang", "Nguyen", "Li"]

    def name() -> str:
        family = "".join(rng.choice("bdgkmrst") + rng.choice("aiu") for _ in range(2))
        return f"{rng.choice(given)} {family.title()}"

    for _ in range(150):
        watch.add_watch(session, owner="dewi", kind="name", name=name())
    for few in ("Wang", "M. Kasi", "Ali Baba Kasi"):
        watch.add_watch(session, owner="dewi", kind="name", name=few)
    written = [name() for _ in range(60)] + ["M. Kasi", "Li", "Wang Kasi Muhammad"]
    keys = {i: blocking_keys(MentionFeatures(name=n)) for i, n in enumerate(written)}
    short = {i: watch.abbreviated([n]) for i, n in enumerate(written)}
    read = screening._watch_rows(session, keys, short)
    every = screening.watches_by_key(session, {k for ks in keys.values() for k in ks})
    assert sum(map(len, read.values())) < sum(map(len, every.values()))
    for i in keys:
        expected = sorted(screening.candidates(keys[i], every, short=short[i]))
        assert sorted(screening.candidates(keys[i], read, short=short[i])) == expected


# --- the workbench -------------------------------------------------------------------


def workbench_session(workbench):
    from storage.engine import get_engine, session_for

    return session_for(get_engine(workbench.settings.resolved_database_url))


def deliver(workbench, path: str, text: str) -> int:
    """A new letter stored, extracted, resolved and screened as a batch does."""
    import hashlib

    with workbench_session(workbench) as session:
        run_id = repository.start_run(session, inputs=[path]).id
        document, _ = repository.claim_document(
            session,
            path=path,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            size=len(text),
            media_type="application/pdf",
            run_id=run_id,
        )
        result = document_result(path, document.sha256, [text])
        repository.save_result(session, document_id=document.id, result=result)
        extraction = extract_facts([(1, text)], document_date="2026-12-10")
        repository.save_extraction(session, document_id=document.id, extraction=extraction)
        identity.resolve(session)
        screening.screen(session)
        return document.id


def audit_actions(workbench, user: str) -> list[str]:
    from storage import audit

    with workbench_session(workbench) as session:
        events = audit.list_events(session, filters=audit.AuditFilters(user=user))
    return [e.action for e in reversed(events)]


def badge(html: str) -> str | None:
    import re

    found = re.search(r'href="/alerts">[^<]*<span class="count-badge"[^>]*>([^<]+)</span>', html)
    return found.group(1) if found else None


def test_web_watch_a_name_see_the_alert_and_mark_it_seen(signed_in, workbench):
    from tests.conftest import form_token

    client = signed_in("dewi")
    page = client.get("/watches")
    assert page.status_code == 200
    assert "does not look through the documents already stored" in page.text
    response = client.post(
        "/watches",
        data={
            "kind": "name",
            "name": WATCHED,
            "note": "DPO Polda",
            "csrf_token": form_token(page.text),
        },
    )
    assert response.status_code == 303
    listed = client.get("/watches").text
    assert WATCHED in listed and "DPO Polda" in listed
    letter = deliver(workbench, "/arsip/medan.pdf", MEDAN)
    alerts = client.get("/alerts")
    assert badge(alerts.text) == "1"
    assert f'href="/documents/{letter}?page=1"' in alerts.text
    assert "<mark>Muhammad Rizwan Khan</mark>" in alerts.text
    assert "name score 1.00" in alerts.text
    alert_id = watch_alert_ids(workbench, "dewi")[0]
    marked = client.post(f"/alerts/{alert_id}/seen", data={"csrf_token": form_token(alerts.text)})
    assert marked.status_code == 303
    after = client.get("/alerts")
    assert badge(after.text) is None
    assert 'class="seen"' in after.text
    actions = audit_actions(workbench, "dewi")
    assert actions[actions.index("watch_add") :] == [
        "watch_add",
        "list",
        "view",
        "alert_seen",
        "view",
    ]


def watch_alert_ids(workbench, user: str) -> list[int]:
    with workbench_session(workbench) as session:
        return [a.id for a in watch.list_alerts(session, user=user)]


def test_web_a_private_watch_is_not_shown_to_another_investigator(signed_in, workbench):
    from storage import users
    from tests.conftest import WEB_PASSWORD, form_token, sign_in

    with workbench_session(workbench) as session:
        users.add_user(session, name="budi", role="investigator", password=WEB_PASSWORD)
        private = watch.add_watch(session, owner="dewi", kind="name", name=WATCHED)
        shared = watch.add_watch(
            session, owner="dewi", kind="number", number="BK4471902", shared=True
        )
    deliver(workbench, "/arsip/medan.pdf", MEDAN)
    client = signed_in("budi")
    page = client.get("/alerts")
    assert badge(page.text) == "1"
    assert "BK4471902" in page.text and "name score" not in page.text
    watches = client.get("/watches").text
    assert f'id="watch-{shared.id}"' in watches and f'id="watch-{private.id}"' not in watches
    # Not his to remove, nor to mark seen when private.
    token = form_token(watches)
    assert (
        client.post(f"/watches/{shared.id}/remove", data={"csrf_token": token}).status_code == 403
    )
    theirs = watch_alert_ids(workbench, "budi")
    [private_alert] = [a for a in watch_alert_ids(workbench, "dewi") if a not in theirs]
    assert (
        client.post(f"/alerts/{private_alert}/seen", data={"csrf_token": token}).status_code == 404
    )
    client.post("/logout", data={"csrf_token": token})
    assert sign_in(client, "dewi").status_code == 303
    assert badge(client.get("/alerts").text) == "2"


def test_web_a_bad_watch_is_explained_and_the_dossier_can_be_watched(signed_in, workbench):
    from tests.conftest import form_token

    client = signed_in("dewi")
    token = form_token(client.get("/watches").text)
    refused = client.post("/watches", data={"kind": "number", "number": "12", "csrf_token": token})
    assert refused.status_code == 400
    assert "is not a passport or permit number" in refused.text
    letter = deliver(workbench, "/arsip/medan.pdf", MEDAN)
    with workbench_session(workbench) as session:
        [mention] = mentions_of(session, document_ids=[letter])
    dossier = client.get(f"/subjects/{mention.subject_id}")
    assert 'id="watch-subject"' in dossier.text
    added = client.post(
        f"/watches/subject/{mention.subject_id}", data={"csrf_token": form_token(dossier.text)}
    )
    assert added.status_code == 303
    assert 'id="watched"' in client.get(added.headers["location"]).text
    later = MEDAN.replace("5 Oktober", "8 Oktober").replace("gudang", "pabrik")
    deliver(workbench, "/arsip/medan-2.pdf", later)
    assert "resolved to the watched subject" in client.get("/alerts").text
    assert "watch_add" in audit_actions(workbench, "dewi")


# --- the command line ----------------------------------------------------------------


def invoke(*args: str) -> tuple[int, str]:
    from typer.testing import CliRunner

    from pantau.cli import app

    result = CliRunner().invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout + (result.stderr if result.stderr_bytes else "")


def test_cli_watch_add_list_alerts_seen_and_remove(workbench):
    db = workbench.settings.resolved_database_url
    code, out = invoke("watch", "add", "--name", WATCHED, "--note", "DPO", "--user", "dewi",
                       "--db", db)  # fmt: skip
    assert code == 0, out
    assert "watch 1 added for dewi" in out
    code, out = invoke("watch", "add", "--number", "BK4471902", "--shared", "--user", "dewi",
                       "--db", db, "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["shared"] is True
    assert invoke("watch", "add", "--user", "dewi", "--db", db)[0] == 2
    assert invoke("watch", "add", "--name", "X Y", "--user", "nobody", "--db", db)[0] == 2
    deliver(workbench, "/arsip/medan.pdf", MEDAN)
    code, out = invoke("watch", "list", "--user", "dewi", "--db", db, "--json")
    assert [(w["kind"], w["alerts"]) for w in json.loads(out)] == [("number", 1), ("name", 1)]
    code, out = invoke("alerts", "--user", "dewi", "--db", db)
    assert code == 0 and "evidence" in out
    code, out = invoke("alerts", "--user", "dewi", "--db", db, "--seen", "--json")
    listed = json.loads(out)
    assert {a["watches"] for a in listed} == {WATCHED, "BK4471902"}
    assert set(listed[0]) >= {"id", "document_id", "page", "evidence", "reasons", "seen"}
    assert json.loads(invoke("alerts", "--user", "dewi", "--db", db, "--json")[1]) == []
    assert (
        len(json.loads(invoke("alerts", "--user", "dewi", "--db", db, "--all", "--json")[1])) == 2
    )
    code, out = invoke("watch", "remove", "1", "--user", "rina", "--db", db)
    assert code == 2 and "belongs to dewi" in out
    assert invoke("watch", "remove", "1", "--user", "dewi", "--db", db)[0] == 0
    from storage import audit

    with workbench_session(workbench) as session:
        events = audit.list_events(session)
    actions = {e.action for e in events}
    assert {"watch_add", "cli_watch_list", "cli_alerts", "alert_seen", "watch_remove"} <= actions
    assert {e.details.get("user") for e in events if e.action == "watch_add"} == {"dewi"}


def test_web_watch_pages_speak_indonesian_by_default(workbench):
    from fastapi.testclient import TestClient

    from tests.conftest import sign_in
    from tests.test_i18n import english_left_over, visible
    from web.app import create_app

    with workbench_session(workbench) as session:
        watch.add_watch(session, owner="dewi", kind="name", name=WATCHED, shared=True)
    deliver(workbench, "/arsip/medan.pdf", MEDAN)
    settings = workbench.settings.model_copy(update={"language": "id", "time_zone": "Asia/Jakarta"})
    with TestClient(create_app(settings), follow_redirects=False) as client:
        assert sign_in(client, "dewi").status_code == 303
        for path, words in (("/alerts", "tandai sudah dilihat"), ("/watches", "Daftar pantauan")):
            page = client.get(path)
            assert page.status_code == 200 and words in page.text, path
            assert english_left_over(visible(page.text)) == [], path


def test_a_batch_run_screens_what_it_stored(tmp_path, prefect_home):
    """The real batch flow: `pantau run` reads a new letter, resolves and screens it."""
    from storage import users
    from storage.engine import make_engine, session_for
    from storage.migrate import upgrade
    from tests.conftest import WEB_PASSWORD, write_text_pdf

    db = f"sqlite:///{tmp_path / 'pantau.db'}"
    engine = make_engine(db)
    upgrade(engine)
    with session_for(engine) as session:
        users.add_user(session, name="dewi", role="investigator", password=WEB_PASSWORD)
        watch.add_watch(session, owner="dewi", kind="name", name=WATCHED)
    engine.dispose()
    inbox = tmp_path / "masuk"
    inbox.mkdir()
    write_text_pdf(inbox / "surat-medan.pdf", [MEDAN])
    code, out = invoke("run", str(inbox), "--db", db, "--workers", "1")
    assert code == 0, out
    [alert] = json.loads(invoke("alerts", "--user", "dewi", "--db", db, "--json")[1])
    assert "Muhammad Rizwan Khan" in alert["marks"] and alert["page"] == 1


def test_a_subject_watch_follows_its_subject_into_a_merge(session, store_document):
    medan = store_letter(session, store_document, "/arsip/medan.pdf", MEDAN)
    dumai = store_letter(
        session,
        store_document,
        "/arsip/dumai.pdf",
        DUMAI,
        facts=[person(DUMAI, "M. R. Khan", nationality="BD")],
    )
    [kept] = mentions_of(session, document_ids=[medan])
    [merged] = mentions_of(session, document_ids=[dumai])
    assert kept.subject_id != merged.subject_id  # another nationality: not merged alone
    watched = watch.add_watch(session, owner="dewi", kind="subject", subject_id=merged.subject_id)
    identity.decide_pair(
        session, mention_a_id=kept.id, mention_b_id=merged.id, decision="same", user="dewi"
    )
    stored = session.get(Watch, watched.id, populate_existing=True)
    assert stored.subject_id == kept.subject_id
    later = MEDAN.replace("5 Oktober", "7 Oktober").replace("gudang", "toko")
    second = store_letter(session, store_document, "/arsip/medan-2.pdf", later)
    assert set(alerts_of(session)) == {second}
    assert alerts_of(session)[second].watch_id == watched.id
