"""Charts: the counts behind them (SQLite and PostgreSQL), the shapes web.charts makes of
them, and the SVG the workbench draws (timeline, network of subjects, province map)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from models.records import CoSubject, Dossier, DossierIncident, SearchQuery, SubjectSummary
from web import charts
from web.province_grid import PROVINCE_TILES

# Three invented documents in two months (the fourth is a copy of the third).
CHART_DOCUMENTS = {
    "laporan-ubud.pdf": "Seorang warga negara Belanda tinggal melebihi izin tinggal di Ubud.",
    "surat-mataram.pdf": (
        "Kantor Imigrasi Mataram mendeportasi dua warga negara Korea yang juga overstay."
    ),
    "notulen-jogja.pdf": "Rapat membahas deportasi warga negara Jepang dari Sleman dan Gianyar.",
    "notulen-jogja-salinan.pdf": (
        "Rapat membahas deportasi warga negara Jepang dari Sleman dan Gianyar (salinan)."
    ),
}
# Per document: linked rows (month, incident, province, nationality) and province facets.
CHART_LINKED = {
    "laporan-ubud.pdf": ([("2024-05", "overstay", "51", "NL")], ["51"]),
    "surat-mataram.pdf": (
        [
            ("2024-06", "deportation", "52", "KR"),
            ("2024-06", "deportation", "52", "KR"),
            ("2024-06", "overstay", "52", "KR"),
        ],
        ["52"],
    ),
    "notulen-jogja.pdf": ([("2024-06", "deportation", "34", "JP")], ["34", "51"]),
    "notulen-jogja-salinan.pdf": ([("2024-06", "deportation", "34", "JP")], []),
}
HOSTILE = 'Ratu <script>alert("x")</script> & "Co"'


@pytest.fixture
def chart_archive(session, store_document):
    """The chart documents stored with their linked facts and province facets, and two
    subjects (one with a hostile name) named together in two of them; ids by name."""
    from models.tables import Document, LinkedFact, Mention, Subject
    from storage.facets import replace_document_facets

    ids = {}
    for name, text in CHART_DOCUMENTS.items():
        ids[name] = store_document(f"/arsip/{name}", [text]).id
    copy = session.get(Document, ids["notulen-jogja-salinan.pdf"])
    copy.copy_of = ids["notulen-jogja.pdf"]
    session.add(copy)
    for name, (rows, provinces) in CHART_LINKED.items():
        for month, incident, province, nationality in rows:
            session.add(
                LinkedFact(
                    document_id=ids[name],
                    month=month,
                    incident=incident,
                    status="reported",
                    province=province,
                    nationality=nationality,
                )
            )
        facets = [("province", p) for p in provinces]
        facets += sorted({("incident", row[1]) for row in rows})
        facets += sorted({("nationality", row[3]) for row in rows})
        replace_document_facets(session, document_id=ids[name], facets=facets)
    people = [Subject(name="Hendrik Vos", nationality="NL"), Subject(name=HOSTILE)]
    session.add_all(people)
    session.flush()
    for person, document in [
        (0, "laporan-ubud.pdf"),
        (0, "surat-mataram.pdf"),
        (1, "surat-mataram.pdf"),
        (1, "notulen-jogja.pdf"),
    ]:
        session.add(
            Mention(
                document_id=ids[document],
                subject_id=people[person].id,
                key=f"uji-{person}",
                name=people[person].name,
            )
        )
    from storage.summaries import rebuild

    rebuild(session)  # mentions stored directly, as a bulk load does
    session.commit()
    ids["vos"], ids["hostile"] = people[0].id, people[1].id
    return ids


# --- storage: the counts, on both databases --------------------------------------------


def test_charts_monthly_incidents_count_documents_per_month_and_incident(session, chart_archive):
    from storage import charts as counts

    found = counts.monthly_incidents(session)
    # Mataram's two deported people are one document; the copy of the minutes counts once.
    assert found.counts == {
        ("2024-05", "overstay"): 1,
        ("2024-06", "deportation"): 2,
        ("2024-06", "overstay"): 1,
    }
    assert found.step == 1


def test_charts_monthly_incidents_follow_the_words_and_a_persons_filters(session, chart_archive):
    from storage import charts as counts

    words = counts.monthly_incidents(session, query=SearchQuery(text="Gianyar"))
    assert words.counts == {("2024-06", "deportation"): 1}  # the minutes (and not the copy)
    overstay = counts.monthly_incidents(session, query=SearchQuery(incident="overstay"))
    # Mataram's deportations are other rows of the same document: not overstays.
    assert overstay.counts == {("2024-05", "overstay"): 1, ("2024-06", "overstay"): 1}


def test_charts_province_documents_count_documents_per_province(session, chart_archive):
    from storage import charts as counts

    assert counts.province_documents(session).counts == {"51": 2, "52": 1, "34": 1}
    korean = counts.province_documents(session, query=SearchQuery(nationality="KR"))
    assert korean.counts == {"52": 1}


def test_charts_search_charts_agree_with_the_separate_counts(session, chart_archive):
    from storage import charts as counts

    query = SearchQuery(text="warga")
    total = counts.count_matching(session, query=query)
    months, provinces = counts.search_charts(session, query=query, total=total)
    assert months == counts.monthly_incidents(session, query=query)
    assert provinces == counts.province_documents(session, query=query)


def test_charts_counts_above_the_sample_threshold_are_estimated(
    session, chart_archive, monkeypatch
):
    from storage import charts as counts

    monkeypatch.setattr(counts, "FACET_SAMPLE_ABOVE", 1)
    monkeypatch.setattr(counts, "FACET_SAMPLE_SIZE", 2)
    total = counts.count_matching(session, query=SearchQuery())
    assert total == 4
    months, provinces = counts.search_charts(session, query=SearchQuery(), total=total)
    assert months.step == provinces.step == 2
    even = [i for name, i in chart_archive.items() if name.endswith(".pdf") and i % 2 == 0]
    assert sum(provinces.counts.values()) == 2 * sum(
        len(CHART_LINKED[n][1])
        for n, i in chart_archive.items()
        if n.endswith(".pdf") and i in even
    )
    assert all(value % 2 == 0 for value in months.counts.values())


def test_charts_dossier_network_is_the_co_occurring_subjects(session, chart_archive):
    from storage import dossier, xref

    found = dossier.get_dossier(session, subject_id=chart_archive["vos"])
    chart = charts.dossier_network(found)
    pairs = xref.co_occurring(session, subject_id=chart_archive["vos"], limit=20)
    assert chart is not None
    assert [(n.subject_id, n.documents) for n in chart.nodes] == [
        (p.other_id, p.documents) for p in pairs
    ]


# --- web.charts: shapes from counts ----------------------------------------------------


def test_charts_timeline_bars_are_as_tall_as_their_counts():
    chart = charts.timeline_chart(
        {("2024-05", "overstay"): 1, ("2024-06", "deportation"): 2, ("2024-06", "overstay"): 1}
    )
    assert chart is not None
    assert [bar.month for bar in chart.bars] == ["2024-05", "2024-06"]
    assert [bar.documents for bar in chart.bars] == [1, 3]
    assert [tick.value for tick in chart.ticks] == [0, 1, 2, 3]
    unit = (chart.bottom - chart.top) / 3
    june = chart.bars[1]
    assert [(s.incident, s.documents) for s in june.segments] == [
        ("overstay", 1),
        ("deportation", 2),
    ]
    assert [s.height for s in june.segments] == pytest.approx([unit, 2 * unit])
    assert june.segments[-1].y == pytest.approx(chart.top)  # the tallest bar fills the plot
    assert [(e.incident, e.documents) for e in chart.legend] == [
        ("overstay", 2),
        ("deportation", 2),
    ]


def test_charts_timeline_keeps_empty_months_and_labels_them_in_the_language():
    from models import i18n

    with i18n.using("id"):
        chart = charts.timeline_chart({("2023-11", "arrest"): 4, ("2024-02", "arrest"): 1})
    assert chart is not None
    assert [bar.label for bar in chart.bars] == ["Nov 2023", "Des 2023", "Jan 2024", "Feb 2024"]
    assert [bar.documents for bar in chart.bars] == [4, 0, 0, 1]
    with i18n.using("en"):
        assert charts.month_label("2023-12") == "Dec 2023"


def test_charts_timeline_draws_the_latest_five_years_at_most():
    counts = {
        (f"{year}-{month:02d}", "arrest"): 1 for year in range(2015, 2025) for month in (1, 7)
    }
    chart = charts.timeline_chart(counts)
    assert chart is not None
    assert len(chart.bars) == charts.MAX_MONTHS and chart.bars[-1].month == "2024-07"
    assert chart.months_left_off == 114 - 60 + 1
    labelled = [bar for bar in chart.bars if bar.labelled]
    assert labelled[-1] is chart.bars[-1]
    gaps = {b.x - a.x for a, b in zip(labelled, labelled[1:], strict=False)}
    assert min(gaps) >= charts.MONTH_LABEL_WIDTH - 0.01  # axis labels do not overlap


def test_charts_dossier_timeline_counts_incidents_by_their_own_dates():
    incidents = [
        DossierIncident(label="arrest", document_id=1, date="2026-08-10"),
        DossierIncident(label="arrest", document_id=2, date="2026-08-30"),
        DossierIncident(label="deportation", document_id=2, date="2026-09-20"),
        DossierIncident(label="overstay", document_id=3),  # no date: not drawn
    ]
    dossier = Dossier(subject=SubjectSummary(id=5, name="R. K. Walsby"), incidents=incidents)
    chart = charts.dossier_timeline(dossier)
    assert chart is not None
    assert [(b.month, b.documents) for b in chart.bars] == [("2026-08", 2), ("2026-09", 1)]


def test_charts_network_rings_at_most_twenty_without_overlapping_labels():
    neighbours = [
        CoSubject(subject_id=100 + i, name=f"Nama Sangat Panjang Sekali Nomor {i}", documents=i)
        for i in range(1, 26)
    ]
    chart = charts.network_chart(7, "Pusat", neighbours)
    assert chart is not None
    assert len(chart.nodes) == 20 and chart.left_off == 5
    assert chart.nodes[0].subject_id == 125 and chart.nodes[0].edge_width == 6.0
    assert [n.documents for n in chart.nodes] == sorted(
        (n.documents for n in chart.nodes), reverse=True
    )
    assert chart.nodes[-1].edge_width < chart.nodes[0].edge_width
    assert all(n.href == f"/subjects/{n.subject_id}" for n in chart.nodes)
    boxes = [charts.label_box(n) for n in [chart.centre, *chart.nodes]]
    for i, a in enumerate(boxes):
        assert a[0] >= 0 and a[2] <= chart.width and a[1] >= 0 and a[3] <= chart.height
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)


@pytest.mark.parametrize("size", [1, 2, 3, 7, 19, 20])
def test_charts_network_layout_is_deterministic_and_apart(size):
    neighbours = [
        CoSubject(subject_id=i, name=f"Orang Asing {i:02d}", documents=1) for i in range(size)
    ]
    first = charts.network_chart(99, "Pusat", neighbours)
    assert first == charts.network_chart(99, "Pusat", list(reversed(neighbours)))
    assert first is not None
    boxes = [charts.label_box(n) for n in first.nodes]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1]


def test_charts_province_map_has_every_province_once_shaded_by_count():
    counted = {"51": 10, "52": 6, "34": 2, "31": 1, "99": 50}  # 99 is no province
    chart = charts.province_map(counted, href=lambda code: f"/search?province={code}")
    assert sorted(t.code for t in chart.tiles) == sorted(PROVINCE_TILES) and len(chart.tiles) == 38
    shades = {t.code: t.shade for t in chart.tiles}
    assert (shades["51"], shades["52"], shades["34"], shades["31"], shades["11"]) == (5, 3, 1, 1, 0)
    assert [(c.shade, c.low, c.high) for c in chart.classes] == [
        (1, 1, 2),
        (2, 3, 4),
        (3, 5, 6),
        (4, 7, 8),
        (5, 9, 10),
    ]
    assert all(
        c.low <= t.documents <= c.high
        for t in chart.tiles
        for c in chart.classes
        if c.shade == t.shade
    )
    assert len({(t.x, t.y) for t in chart.tiles}) == 38
    assert [t.code for t in chart.counted] == ["51", "52", "34", "31"]


def test_charts_province_map_small_counts_use_the_darkest_shade_for_the_most():
    chart = charts.province_map({"51": 2, "52": 1}, href=str)
    shades = {t.code: t.shade for t in chart.tiles if t.documents}
    assert shades == {"51": 5, "52": 3}
    assert [(c.shade, c.low, c.high) for c in chart.classes] == [(3, 1, 1), (5, 2, 2)]


# --- the workbench pages ---------------------------------------------------------------

TILE = re.compile(
    r'<a class="map-tile" href="([^"]+)" data-province="(\d+)" data-documents="(\d+)" '
    r'data-shade="(\d)"'
)
SEGMENT = re.compile(
    r'<rect class="series-\d+" x="[^"]+" y="([^"]+)" width="[^"]+" height="([^"]+)" '
    r'data-incident="(\w+)" data-documents="(\d+)"'
)


def tiles_of(page: str) -> dict[str, tuple[str, int, int]]:
    found = TILE.findall(page)
    assert len(found) == 38 and len({code for _, code, _, _ in found}) == 38
    return {code: (html.unescape(href), int(n), int(shade)) for href, code, n, shade in found}


def test_charts_search_page_draws_timeline_and_map_of_the_whole_result(signed_in, xref_seed):
    page = signed_in("dewi").get("/search", params={"q": "warga", "kind": "letter"}).text
    assert 'class="chart timeline-chart"' in page and 'class="chart province-map"' in page
    tiles = tiles_of(page)
    assert {c: n for c, (_, n, _) in tiles.items() if n} == {"52": 1}
    href = urlsplit(tiles["51"][0])
    assert href.path == "/search"
    assert parse_qs(href.query) == {"q": ["warga"], "kind": ["letter"], "province": ["51"]}
    months = re.findall(
        r'<g class="chart-month" data-month="([\d-]+)" data-documents="(\d+)"', page
    )
    assert months == [("2024-06", "1")]
    assert [(i, n) for _, _, i, n in SEGMENT.findall(page)] == [("deportation", "1")]


def test_charts_search_page_counts_equal_a_hand_count(signed_in, xref_seed):
    page = signed_in("dewi").get("/search").text
    tiles = tiles_of(page)
    # Kuta and the hostile/letter pages lie in Bali, Lombok Barat in NTB, Sleman in DIY.
    assert {c: (n, s) for c, (_, n, s) in tiles.items() if n} == {
        "51": (2, 5),
        "52": (1, 3),
        "34": (1, 3),
    }
    months = re.findall(
        r'<g class="chart-month" data-month="([\d-]+)" data-documents="(\d+)"', page
    )
    assert months == [("2024-05", "1"), ("2024-06", "2")]
    segments = SEGMENT.findall(page)
    assert sorted((i, n) for _, _, i, n in segments) == [
        ("deportation", "1"),
        ("illegal_work", "1"),
        ("overstay", "1"),
    ]
    heights = {float(h) for _, h, _, _ in segments}
    assert len(heights) == 1  # one document each: one height
    assert "Documents per month by incident" in page
    assert re.search(r"<td>Jun 2024</td><td>illegal work</td><td>1</td>", page)


def test_charts_region_filter_outside_the_tile_is_dropped_from_its_link(signed_in, xref_seed):
    page = signed_in("dewi").get("/search", params={"regency": "52.01"}).text
    tiles = tiles_of(page)
    assert parse_qs(urlsplit(tiles["52"][0]).query) == {"regency": ["52.01"], "province": ["52"]}
    assert parse_qs(urlsplit(tiles["51"][0]).query) == {"province": ["51"]}


def test_charts_xref_page_maps_the_current_filters(signed_in, xref_seed, workbench):
    client = signed_in("dewi")
    tiles = tiles_of(client.get("/xref", params={"nationality": "CN"}).text)
    assert {c: n for c, (_, n, _) in tiles.items() if n} == {"52": 1, "34": 1}
    assert parse_qs(urlsplit(tiles["34"][0]).query) == {"nationality": ["CN"], "province": ["34"]}
    everything = tiles_of(client.get("/xref").text)
    assert {c: n for c, (_, n, _) in everything.items() if n} == {"51": 2, "52": 1, "34": 1}
    bad = client.get("/xref", params={"province": "Bali"})
    assert bad.status_code == 400 and "Kemendagri" in bad.text


def test_charts_clicking_a_tile_filters_the_search(signed_in, xref_seed):
    client = signed_in("dewi")
    href = tiles_of(client.get("/search", params={"q": "warga"}).text)["34"][0]
    page = client.get(href).text
    assert re.findall(r'<li class="hit">\s*<a href="/documents/(\d+)', page) == [
        str(xref_seed.documents["sleman"])
    ]


def test_charts_dossier_draws_the_network_with_links(signed_in, xref_seed):
    page = signed_in("dewi").get(f"/subjects/{xref_seed.subjects['brandt']}").text
    nodes = re.findall(
        r'<a class="network-node" href="/subjects/(\d+)" data-subject="\d+" aria-label="([^"]+)"',
        page,
    )
    assert [(int(i), html.unescape(label)) for i, label in nodes] == [
        (xref_seed.subjects["guo"], "Guo Lianfeng (CN): 2 shared documents"),
        (xref_seed.subjects["tse"], "Tse Mei Lan (CN): 1 shared document"),
    ]
    assert re.findall(r'class="network-edge"[^>]*stroke-width="([\d.]+)"', page) == ["6.0", "3.5"]


def test_charts_names_are_escaped_inside_the_svg(signed_in, xref_seed, workbench):
    from models.tables import Mention, Subject
    from storage.engine import get_engine, session_for

    with session_for(get_engine(workbench.settings.resolved_database_url)) as session:
        hostile = Subject(name=HOSTILE)
        session.add(hostile)
        session.flush()
        session.add(
            Mention(
                document_id=xref_seed.documents["kuta"],
                subject_id=hostile.id,
                key="uji-hostile",
                name=HOSTILE,
            )
        )
        from storage.summaries import rebuild

        rebuild(session)  # mentions stored directly, as a bulk load does
        session.commit()
        hostile_id = hostile.id
    client = signed_in("dewi")
    page = client.get(f"/subjects/{xref_seed.subjects['brandt']}").text
    svg = page[
        page.index('<svg class="chart network-chart"') : page.index(
            "</svg>", page.index('<svg class="chart network-chart"')
        )
    ]
    assert "<script>" not in svg and "&lt;script&gt;" in svg
    assert f'href="/subjects/{hostile_id}"' in svg
    own = client.get(f"/subjects/{hostile_id}").text
    centre = own[own.index('<g class="network-centre">') :]
    assert "<script>" not in own and "Ratu &lt;script&gt;" in centre


def test_charts_search_without_matches_draws_no_chart(signed_in, xref_seed):
    page = signed_in("dewi").get("/search", params={"q": "zzzyyyxxx"}).text
    assert "timeline-chart" not in page and "province-map" not in page


@pytest.mark.browser
def test_charts_browser_render_and_a_tile_filters(xref_seed, live_server, browser_page):
    from tests.conftest import WEB_PASSWORD

    page = browser_page
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server}/login")
    page.fill('input[name="name"]', "dewi")
    page.fill('input[name="password"]', WEB_PASSWORD)
    page.click('section.login button[type="submit"]')
    page.wait_for_selector("form.search")
    page.goto(f"{live_server}/search?q=warga")
    for selector in ("svg.timeline-chart", "svg.province-map", "svg.timeline-chart rect.series-7"):
        box = page.locator(selector).first.bounding_box()
        assert box and box["width"] > 0 and box["height"] > 0, selector
    assert page.locator("li.hit").count() == 4
    tile = page.locator('a.map-tile[data-province="34"]')
    assert tile.get_attribute("href") == "/search?q=warga&province=34"
    box = page.locator('a.map-tile[data-province="34"] rect').bounding_box()
    assert box and box["width"] > 20 and box["height"] > 20
    tile.click()
    page.wait_for_url("**province=34")
    assert page.locator("li.hit").count() == 1
    page.goto(f"{live_server}/subjects/{xref_seed.subjects['brandt']}")
    network = page.locator("svg.network-chart").bounding_box()
    assert network and network["width"] > 100 and network["height"] > 100
    assert page.locator("a.network-node").count() == 2
    page.locator(f'a.network-node[data-subject="{xref_seed.subjects["guo"]}"]').click()
    page.wait_for_url(f"**/subjects/{xref_seed.subjects['guo']}")
    page.goto(f"{live_server}/xref?nationality=AU")
    assert page.locator('a.map-tile[data-shade="5"]').count() == 2
    assert blocked == []
