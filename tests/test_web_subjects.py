"""Subjects, dossiers, the review queue and exports in the workbench (TestClient)."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from fastapi.testclient import TestClient
from followthemoney import model

from tests.conftest import HOSTILE_NAME, build_subject_workbench, form_token, sign_in
from web.app import create_app

FULL_NAME = "Rowan Keith Walsby"


@pytest.fixture
def workbench(tmp_path):
    """The seeded workbench with resolved subjects (overrides the plain one)."""
    return build_subject_workbench(tmp_path, f"sqlite:///{tmp_path / 'web.db'}")


def audit_rows(workbench, **filters):
    from storage import audit
    from storage.engine import get_engine, session_for

    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        return audit.list_events(session, filters=audit.AuditFilters(**filters))


def subject_ids(workbench) -> dict[str, int]:
    """Subject id by name."""
    from storage import dossier
    from storage.engine import get_engine, session_for

    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        return {s.name: s.id for s in dossier.list_subjects(session, limit=100)}


def open_items(workbench):
    from storage import identity
    from storage.engine import get_engine, session_for

    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        return identity.list_review_items(session, status="open")


def get_dossier(workbench, subject_id: int):
    from storage import dossier
    from storage.engine import get_engine, session_for

    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        return dossier.get_dossier(session, subject_id=subject_id)


INVESTIGATOR_PATHS = (
    "/subjects",
    "/subjects/1",
    "/subjects/1/dossier.json",
    "/review",
    "/exports",
    "/exports/subjects-csv",
    "/exports/ftm",
)


@pytest.mark.parametrize("name", ["rina", "ayu"])
def test_web_subjects_pages_are_for_investigators_only(signed_in, workbench, name):
    client = signed_in(name)
    for path in INVESTIGATOR_PATHS:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "investigator role" in response.text, path
    home = client.get("/", follow_redirects=True)
    assert home.status_code == 200
    for path in ("/subjects", "/review", "/exports"):
        assert f'<a href="{path}">' not in home.text
    assert audit_rows(workbench, action="export") == []
    assert audit_rows(workbench, user=name, action="view") == []


@pytest.mark.parametrize("path", ["/subjects", "/review", "/exports", "/subjects/1"])
def test_web_subjects_anonymous_visitor_is_sent_to_login(web_client, path):
    response = web_client.get(path)
    assert response.status_code == 303 and response.headers["location"] == f"/login?next={path}"


def test_web_subjects_list_filters_by_nationality_and_pages(signed_in, workbench, monkeypatch):
    client = signed_in("dewi")
    listing = client.get("/subjects").text
    for path in ("/subjects", "/review", "/exports"):
        assert f'<a href="{path}">' in listing
    ids = subject_ids(workbench)
    for name, subject_id in ids.items():
        if "<" not in name:
            assert f'href="/subjects/{subject_id}">{name}</a>' in listing
    australians = client.get("/subjects", params={"nationality": "au"}).text
    assert FULL_NAME in australians and "RKW" in australians
    assert "Lotte Brennecke" not in australians and "Bellini" not in australians
    assert '<option value="AU" selected>AU (2)</option>' in australians
    assert client.get("/subjects", params={"nationality": "Australia"}).status_code == 400
    monkeypatch.setattr("web.routes.subjects.PAGE_SIZE", 2)
    first, second = client.get("/subjects").text, client.get("/subjects?page=2").text
    assert 'rel="next" href="/subjects?page=2"' in first and "page 1 of 2" in first
    assert 'rel="prev"' in second and 'rel="next"' not in second
    shown = [
        set(re.findall(r'class="subject-link" href="/subjects/(\d+)"', t)) for t in (first, second)
    ]
    assert len(shown[0]) == len(shown[1]) == 2 and not shown[0] & shown[1]


def test_web_subjects_dossier_shows_mentions_documents_and_is_audited(signed_in, workbench):
    client = signed_in("dewi")
    subject_id = subject_ids(workbench)[FULL_NAME]
    page = client.get(f"/subjects/{subject_id}").text
    seminyak = workbench.reports["laporan-seminyak.pdf"]
    kupang = workbench.reports["deportasi-kupang.pdf"]
    for document_id in (seminyak, kupang):
        assert f'class="document-link" href="/documents/{document_id}"' in page
    assert "PA4417290" in page and "AU" in page
    assert page.count('<tr id="mention-') == 2
    for mention in get_dossier(workbench, subject_id).mentions:
        link = re.search(
            rf'<tr id="mention-{mention.mention_id}">\s*<td><a class="evidence-link" '
            r'href="(/documents/\d+\?page=1#fact-\d+)"',
            page,
        )
        assert link, mention
        view = client.get(link.group(1).split("#")[0]).text
        fact = link.group(1).split("#")[1]
        assert f'<tr id="{fact}" class="fact kind-foreign_national">' in view
    assert (
        '<span class="link-new">new</span>' in page
        and '<span class="link-auto">auto</span>' in page
    )
    assert "illegal_work" in page and "deportation" in page and "Kabupaten Badung" in page
    assert "2026-08-12" in page and "2026-09-20" in page
    lotte = subject_ids(workbench)["Lotte Brennecke"]
    assert f'<a href="/subjects/{lotte}">Lotte Brennecke</a>' in page
    views = audit_rows(workbench, user="dewi", action="view", target=f"subject:{subject_id}")
    assert len(views) == 1 and views[0].details["name"] == FULL_NAME


@pytest.mark.parametrize("path", ["/subjects/99999", "/subjects/0", "/subjects/99999999999999"])
def test_web_subjects_unknown_subject_is_a_404_page(signed_in, path):
    assert signed_in("dewi").get(path).status_code == 404


def test_web_subjects_names_with_markup_render_as_text(signed_in, workbench):
    client = signed_in("dewi")
    subject_id = subject_ids(workbench)[HOSTILE_NAME]
    for path in ("/subjects", f"/subjects/{subject_id}", "/subjects?nationality=IT"):
        page = client.get(path).text
        assert "<script>alert(2)" not in page and "<b>Bellini" not in page
        assert "Marco &lt;b&gt;Bellini&lt;/b&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in page


def test_web_subjects_not_this_person_splits_and_is_audited(signed_in, workbench):
    client = signed_in("dewi")
    subject_id = subject_ids(workbench)[FULL_NAME]
    page = client.get(f"/subjects/{subject_id}").text
    kupang = workbench.reports["deportasi-kupang.pdf"]
    mention = next(
        m for m in get_dossier(workbench, subject_id).mentions if m.document_id == kupang
    )
    path = f"/subjects/{subject_id}/mentions/{mention.mention_id}/not-this-person"
    assert client.post(path, data={}).status_code == 403  # no CSRF token
    assert len(get_dossier(workbench, subject_id).mentions) == 2
    response = client.post(path, data={"csrf_token": form_token(page)})
    assert response.status_code == 303
    moved = int(response.headers["location"].rsplit("=", 1)[1])
    assert moved != subject_id
    assert [m.document_id for m in get_dossier(workbench, subject_id).mentions] == [
        workbench.reports["laporan-seminyak.pdf"]
    ]
    assert [m.mention_id for m in get_dossier(workbench, moved).mentions] == [mention.mention_id]
    shown = client.get(response.headers["location"]).text
    assert f'<a href="/subjects/{moved}">subject #{moved}</a>' in shown
    (event,) = audit_rows(workbench, user="dewi", action="review")
    assert event.target == f"mention:{mention.mention_id}"
    assert event.details["decision"] == "different" and event.details["moved_to"] == moved


def test_web_subjects_not_this_person_refuses_the_only_mention(signed_in, workbench):
    client = signed_in("dewi")
    subject_id = subject_ids(workbench)["RKW"]
    page = client.get(f"/subjects/{subject_id}").text
    assert "not this person" not in page
    (mention,) = get_dossier(workbench, subject_id).mentions
    path = f"/subjects/{subject_id}/mentions/{mention.mention_id}/not-this-person"
    assert client.post(path, data={"csrf_token": form_token(page)}).status_code == 409
    other = subject_ids(workbench)[FULL_NAME]
    wrong = f"/subjects/{other}/mentions/{mention.mention_id}/not-this-person"
    assert client.post(wrong, data={"csrf_token": form_token(page)}).status_code == 404
    assert audit_rows(workbench, action="review") == []


def test_web_subjects_review_shows_the_pair_side_by_side(signed_in, workbench):
    client = signed_in("dewi")
    (item,) = open_items(workbench)
    page = client.get("/review").text
    assert f'id="review-{item.id}"' in page and "1 open item" in page
    assert FULL_NAME in page and "RKW" in page and "PA4417290" in page
    assert "initials match the full name" in page and f"{item.score:.2f}" in page
    for side in (item.a, item.b):
        assert (
            f'href="/documents/{side.document_id}">#{side.document_id} {side.document_name}' in page
        )
    assert page.count("<dd>41</dd>") == 2
    for value in ("same", "different", "unsure"):
        assert f'name="decision" value="{value}"' in page
    nav = re.search(r'<a href="/review">Review <span class="count-badge"[^>]*>(\d+)</span>', page)
    assert nav and nav.group(1) == "1"


@pytest.mark.parametrize("decision", ["same", "different", "unsure"])
def test_web_subjects_review_decision_changes_subjects_and_is_audited(
    signed_in, workbench, decision
):
    client = signed_in("dewi")
    (item,) = open_items(workbench)
    before = subject_ids(workbench)
    page = client.get("/review").text
    response = client.post(
        f"/review/{item.id}", data={"decision": decision, "csrf_token": form_token(page)}
    )
    assert response.status_code == 303 and response.headers["location"].startswith("/review")
    after = subject_ids(workbench)
    if decision == "same":
        assert "RKW" not in after
        merged = get_dossier(workbench, after[FULL_NAME])
        assert {m.name for m in merged.mentions} == {FULL_NAME, "RKW"}
        assert merged.subject.document_count == 3
    else:
        assert after == before
    assert open_items(workbench) == []
    shown = client.get(response.headers["location"]).text
    assert "Nothing waits for review" in shown and 'class="count-badge"' not in shown
    assert f'id="review-{item.id}"' not in client.get(f"/review?item={item.id}").text
    again = client.post(
        f"/review/{item.id}", data={"decision": "same", "csrf_token": form_token(shown)}
    )
    assert again.status_code == 409
    (event,) = audit_rows(workbench, user="dewi", action="review")
    assert event.target == f"review:{item.id}" and event.details["decision"] == decision
    assert event.details["names"] == [item.a.name, item.b.name]


@pytest.mark.parametrize(
    "data", [{}, {"decision": "same"}, {"decision": "same", "csrf_token": "forged"}]
)
def test_web_subjects_review_post_without_valid_token_is_refused(signed_in, workbench, data):
    client = signed_in("dewi")
    (item,) = open_items(workbench)
    assert client.post(f"/review/{item.id}", data=data).status_code == 403
    assert len(open_items(workbench)) == 1
    assert audit_rows(workbench, action="review") == []


@pytest.mark.parametrize("decision", ["", "maybe", "SAME"])
def test_web_subjects_review_refuses_an_unknown_decision(signed_in, workbench, decision):
    client = signed_in("dewi")
    (item,) = open_items(workbench)
    token = form_token(client.get("/review").text)
    response = client.post(f"/review/{item.id}", data={"decision": decision, "csrf_token": token})
    assert response.status_code == 400
    assert len(open_items(workbench)) == 1


def download(client, path: str):
    response = client.get(path)
    assert response.status_code == 200, response.text
    return response


@pytest.mark.parametrize(
    ("name", "media_type", "suffix"),
    [
        ("subjects-csv", "text/csv", "subjects.csv"),
        ("mentions-csv", "text/csv", "mentions.csv"),
        ("subjects-jsonl", "application/x-ndjson", "subjects.jsonl"),
        ("mentions-jsonl", "application/x-ndjson", "mentions.jsonl"),
        ("ftm", "application/x-ndjson", "entities.ftm.json"),
    ],
)
def test_web_subjects_exports_are_audited_downloads(signed_in, workbench, name, media_type, suffix):
    client = signed_in("dewi")
    assert f'href="/exports/{name}"' in client.get("/exports").text
    response = download(client, f"/exports/{name}")
    assert response.headers["content-type"].startswith(media_type)
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="pantau-') and disposition.endswith(
        f'-{suffix}"'
    )
    (event,) = audit_rows(workbench, action="export")
    assert (event.user, event.target, event.details) == ("dewi", name, {"format": name})


def test_web_subjects_csv_exports_parse(signed_in, workbench):
    from storage import exports

    client = signed_in("dewi")
    subjects = list(csv.DictReader(io.StringIO(download(client, "/exports/subjects-csv").text)))
    assert {row["name"] for row in subjects} == set(subject_ids(workbench))
    assert tuple(subjects[0]) == exports.SUBJECT_FIELDS
    walsby = next(row for row in subjects if row["name"] == FULL_NAME)
    assert (walsby["nationality"], walsby["passports"], walsby["document_count"]) == (
        "AU",
        "PA4417290",
        "2",
    )
    mentions = list(csv.DictReader(io.StringIO(download(client, "/exports/mentions-csv").text)))
    assert tuple(mentions[0]) == exports.MENTION_FIELDS
    assert {row["document_name"] for row in mentions} >= {"bap-senggigi.pdf", "catatan-ubud.pdf"}


def test_web_subjects_jsonl_and_ftm_exports_parse(signed_in, workbench):
    client = signed_in("dewi")
    subjects = [
        json.loads(line) for line in download(client, "/exports/subjects-jsonl").text.splitlines()
    ]
    assert {s["name"] for s in subjects} == set(subject_ids(workbench))
    mentions = [
        json.loads(line) for line in download(client, "/exports/mentions-jsonl").text.splitlines()
    ]
    assert any(m["name"] == "RKW" and m["age"] == 41 for m in mentions)
    entities = [json.loads(line) for line in download(client, "/exports/ftm").text.splitlines()]
    proxies = [model.get_proxy(entity) for entity in entities]
    schemata = {p.schema.name for p in proxies}
    assert schemata == {"Person", "Document", "Mention"}
    people = {p.first("name"): p for p in proxies if p.schema.name == "Person"}
    assert people[FULL_NAME].get("passportNumber") == ["PA4417290"]
    assert people[FULL_NAME].get("nationality") == ["au"]
    for proxy in proxies:
        assert proxy.id and proxy.to_dict()["properties"]


def test_web_subjects_unknown_export_is_a_404_page(signed_in, workbench):
    assert signed_in("dewi").get("/exports/everything.xlsx").status_code == 404
    assert audit_rows(workbench, action="export") == []


def test_web_subjects_exports_offer_every_storage_format():
    from storage import exports
    from web.routes.exports import FORMATS

    assert set(FORMATS) == set(exports.EXPORT_FORMATS)


def test_web_subjects_dossier_json_export_is_audited(signed_in, workbench):
    client = signed_in("dewi")
    subject_id = subject_ids(workbench)[FULL_NAME]
    response = download(client, f"/subjects/{subject_id}/dossier.json")
    assert response.headers["content-type"] == "application/json"
    assert (
        response.headers["content-disposition"]
        == f'attachment; filename="subject-{subject_id}.json"'
    )
    body = response.json()
    assert body["subject"]["name"] == FULL_NAME
    assert len(body["mentions"]) == 2 and len(body["documents"]) == 2
    (event,) = audit_rows(workbench, action="export")
    assert (event.user, event.target, event.details) == (
        "dewi",
        f"subject:{subject_id}",
        {"format": "dossier-json"},
    )


@pytest.fixture
def pg_workbench(tmp_path, pg_database):
    """The subject workbench on a fresh PostgreSQL schema (overrides the plain one)."""
    from storage.engine import get_engine
    from tests.conftest import fresh_pg_schema, pg_skip_reason

    if pg_database is None:
        pytest.skip(pg_skip_reason())
    for url in fresh_pg_schema(pg_database):
        yield build_subject_workbench(tmp_path, url)
        get_engine(url).dispose()


@pytest.mark.postgres
def test_web_subjects_workflow_on_postgresql(pg_workbench):
    workbench = pg_workbench
    with TestClient(create_app(workbench.settings), follow_redirects=False) as client:
        assert sign_in(client, "dewi").status_code == 303
        ids = subject_ids(workbench)
        page = client.get(f"/subjects/{ids[FULL_NAME]}").text
        assert "PA4417290" in page
        assert "&lt;script&gt;" in client.get(f"/subjects/{ids[HOSTILE_NAME]}").text
        assert client.get("/subjects?nationality=AU").status_code == 200
        (item,) = open_items(workbench)
        token = form_token(client.get("/review").text)
        decided = client.post(f"/review/{item.id}", data={"decision": "same", "csrf_token": token})
        assert decided.status_code == 303
        assert "RKW" not in subject_ids(workbench)
        entities = client.get("/exports/ftm").text.splitlines()
        assert all(model.get_proxy(json.loads(line)).id for line in entities)
        assert client.get("/exports/subjects-csv").text.startswith("id,name,names,")
    actions = [(e.action, e.target) for e in audit_rows(workbench, user="dewi")]
    assert actions == [
        ("export", "subjects-csv"),
        ("export", "ftm"),
        ("review", f"review:{item.id}"),
        ("list", "review"),
        ("list", "subjects"),
        ("view", f"subject:{ids[HOSTILE_NAME]}"),
        ("view", f"subject:{ids[FULL_NAME]}"),
        ("login", ""),
    ]


def test_web_batch_search_pasted_and_uploaded_lines_with_csv(workbench):
    client = TestClient(create_app(workbench.settings))
    sign_in(client, "dewi")
    page = client.get("/search/batch")
    assert page.status_code == 200 and 'enctype="multipart/form-data"' in page.text
    token = form_token(page.text)
    ids = subject_ids(workbench)
    response = client.post(
        "/search/batch",
        data={"names": "walsby rowan keith\nTak Dikenal", "csrf_token": token},
        files={"upload": ("daftar.txt", b"PA4417290\n", "text/plain")},
    )
    assert response.status_code == 200
    assert f'href="/subjects/{ids[FULL_NAME]}"' in response.text
    assert "same passport/permit number (PA4417290)" in response.text
    assert "no subject" in response.text  # the unknown name
    download = client.post(
        "/search/batch",
        data={"names": "Lotte Brennecke", "format": "csv", "csrf_token": token},
    )
    assert download.headers["content-disposition"].startswith("attachment;")
    (row,) = csv.DictReader(io.StringIO(download.text))
    assert (row["name"], row["nationality"], row["documents"]) == ("Lotte Brennecke", "DE", "2")
    events = audit_rows(workbench, action="batch_search")
    assert [(e.user, e.details["lines"]) for e in events] == [
        ("dewi", 1),
        ("dewi", 3),
    ]  # newest first
    # Not for analysts.
    other = TestClient(create_app(workbench.settings))
    sign_in(other, "rina")
    assert other.get("/search/batch").status_code == 403
