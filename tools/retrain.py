"""Retrain the Indonesian NER with investigators' corrections added, and measure it.

Every sentence of a corrected document that holds a live correction has been read by a
person, so its facts are taken as right: its persons (any role) become PERSON, its places
LOC, its organisations ORG, every other word O. These sentences, repeated `--weight` times,
are added to the public corpora `tools/train_ner.py` trains on; the new model is written to
`--out` (a new folder under /tmp by default) and installed only with `--install`.

Both models, the shipped one (before) and the new one (after), then read again the stored
pages of the dev set and of the corrected documents, without OCR; the figures are printed
per half of the dev set (d000:d024, d025:d045) and against the corrections themselves, and
written to RETRAIN.json in the output folder.

    uv run pantau run ../shared/data/dev/corpus --db sqlite:////tmp/dev.db    # once
    uv run python -m tools.retrain --db URL [--dev-db sqlite:////tmp/dev.db] [--out DIR]
        [--weight 5] [--max-steps N] [--sample N] [--install]
"""

from __future__ import annotations

import argparse
import json
import re
import shlex
import sys
import tempfile
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from extractors.corrections import METHOD, PERSON_KINDS, anchored, person_name
from extractors.evaluation import FIELDS, Evaluation, evaluate, read_annotations
from models.records import Fact, FactKind
from tools import train_ner
from tools.train_ner import Sentence, sentence_key

ROOT = train_ner.ROOT
DEFAULT_DEV_GOLD = ROOT.parent / "shared" / "data" / "dev" / "gold"
DEV_CORPUS = "../shared/data/dev/corpus"
HALVES = (("d000", "d024"), ("d025", "d045"))
COMMAND = "uv run python -m tools.retrain"
LABELS = {
    **dict.fromkeys(PERSON_KINDS, "PERSON"),
    FactKind.LOCATION: "LOC",
    FactKind.ORGANISATION: "ORG",
}
# A sentence ends at . ! ? before a blank, or at a blank line; a run of lines longer than
# MAX_SENTENCE_CHARS without either (a table, a list) is cut at its line ends.
SENTENCE_END = re.compile(r"[.!?]+(?=\s)")
BLANK_LINE = re.compile(r"\n[^\S\n]*\n\s*")
MAX_SENTENCE_CHARS = 400
# A full stop after these words (or after one letter, an initial) ends no sentence.
ABBREVIATIONS = frozenset(
    ("jl", "jln", "no", "sdr", "sdri", "bpk", "kab", "kec", "kel", "prov", "tn", "ny")
    + ("dr", "drs", "ir", "hj", "kp", "ds", "rt", "rw", "a.n", "u.p", "kpt", "pol")
)
# Words (letters and digits, inner hyphens, apostrophes and dots kept) or one other mark.
TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")
SHOWN_FIELDS = (*FIELDS, "official_as_foreigner")


@dataclass
class TakenSentence:
    """One read sentence as training data: where it stands, its text and its entities."""

    document_id: int
    page: int
    start: int
    end: int
    text: str
    entities: list[tuple[str, str]]  # (words, label) in reading order
    sentence: Sentence


@dataclass
class Taken:
    """The sentences taken from corrected documents, and what could not be used."""

    documents: int = 0
    sentences: list[TakenSentence] = field(default_factory=list)
    unaligned: int = 0  # entities whose words do not start and end on token boundaries
    overlapping: int = 0  # entities dropped for overlapping a longer or corrected one

    @property
    def labels(self) -> Counter[str]:
        return Counter(label for s in self.sentences for _, label in s.entities)

    def summary(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "sentences": len(self.sentences),
            "entities": sum(self.labels.values()),
            "labels": dict(sorted(self.labels.items())),
            "dropped_unaligned": self.unaligned,
            "dropped_overlapping": self.overlapping,
        }


# --- sentences from a corrected document (no database) ----------------------------------


def sentence_spans(text: str, protected: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """(start, end) of the sentences of a page, blanks trimmed; never cut inside `protected`."""

    def free(cut: int) -> bool:
        return not any(start < cut < end for start, end in protected)

    cuts = {m.end() for m in BLANK_LINE.finditer(text)}
    for m in SENTENCE_END.finditer(text):
        word = re.search(r"[\w.]*$", text[max(0, m.start() - 12) : m.start()])
        before = word.group().casefold() if word else ""
        if m.group() == "." and (len(before) == 1 or before in ABBREVIATIONS):
            continue
        cuts.add(m.end())
    bounds = [0, *sorted(c for c in cuts if 0 < c < len(text) and free(c)), len(text)]
    spans = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        if end - start > MAX_SENTENCE_CHARS:
            lines = [i + 1 for i in range(start, end) if text[i] == "\n" and free(i + 1)]
            pieces = [start, *lines, end]
        else:
            pieces = [start, end]
        for lo, hi in zip(pieces, pieces[1:], strict=False):
            while lo < hi and text[lo].isspace():
                lo += 1
            while hi > lo and text[hi - 1].isspace():
                hi -= 1
            if hi > lo:
                spans.append((lo, hi))
    return spans


def tokens_of(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Character spans of the tokens of `text[start:end]`, in page offsets."""
    return [(start + m.start(), start + m.end()) for m in TOKEN.finditer(text[start:end])]


def find_name(
    text: str, start: int, end: int, names: Sequence[str | None]
) -> tuple[int, int] | None:
    """Where the first of `names` stands inside `text[start:end]` as whole words."""
    for name in names:
        words = (name or "").split()
        if not words:
            continue
        pattern = r"(?<!\w)" + r"\s+".join(map(re.escape, words)) + r"(?!\w)"
        found = re.search(pattern, text[start:end], flags=re.IGNORECASE)
        if found:
            return start + found.start(), start + found.end()
    return None


@dataclass(frozen=True)
class Candidate:
    """A labelled span on a page: the words to label and the fact's own span."""

    start: int
    end: int
    label: str
    corrected: bool
    outer: tuple[int, int]


def candidates(text: str, facts: Sequence[Fact]) -> tuple[list[Candidate], list[tuple[int, int]]]:
    """The PERSON / LOC / ORG spans of one page's facts, and the spans of those that could
    not be placed.

    A person is labelled on the words of the name (without honorifics, ranks or degrees);
    a counted group ("dua orang WNA") names nobody and is left out, like machine-readable
    zones. A fact whose words are no longer on the page cannot be placed.
    """
    found: list[Candidate] = []
    lost: list[tuple[int, int]] = []
    for fact in facts:
        label = LABELS.get(fact.kind)
        if label is None or fact.method == "rule:mrz":
            continue
        if " ".join(text[fact.start : fact.end].split()) != " ".join(fact.text.split()):
            lost.append((fact.start, fact.end))
            continue
        span: tuple[int, int] | None = (fact.start, fact.end)
        if fact.kind in PERSON_KINDS:
            if fact.attributes.get("name_kind") == "group" or not fact.value:
                continue
            span = find_name(text, fact.start, fact.end, [fact.value, person_name(fact.text)])
        if span is None:
            lost.append((fact.start, fact.end))
            continue
        outer = (fact.start, fact.end)
        found.append(Candidate(*span, label, fact.method == METHOD, outer))
    return found, lost


def page_sentences(
    text: str, facts: Sequence[Fact], read: Sequence[tuple[int, int]]
) -> tuple[list[tuple[int, int, Sentence, list[tuple[str, str]]]], int, int]:
    """The sentences of one page that hold a `read` span (a correction's words), as
    training sentences; and how many entities were unaligned or overlapping."""
    spans, lost = candidates(text, facts)
    protected = [c.outer for c in spans] + lost + list(read)
    taken, unaligned, overlapping = [], 0, 0
    for start, end in sentence_spans(text, protected):
        if not any(start <= lo and hi <= end for lo, hi in read):
            continue
        unaligned += sum(start <= lo and hi <= end for lo, hi in lost)
        tokens = tokens_of(text, start, end)
        first = {lo: i for i, (lo, _) in enumerate(tokens)}
        last = {hi: i for i, (_, hi) in enumerate(tokens)}
        inside = [c for c in spans if start <= c.start and c.end <= end]
        inside.sort(key=lambda c: (not c.corrected, c.start - c.end, c.start))
        kept: list[Candidate] = []
        for c in inside:
            if any(c.start < k.end and k.start < c.end for k in kept):
                overlapping += 1
            elif c.start not in first or c.end not in last:
                unaligned += 1
            else:
                kept.append(c)
        kept.sort(key=lambda c: c.start)
        sentence = Sentence(
            tokens=[text[lo:hi] for lo, hi in tokens],
            spans=[(first[c.start], last[c.end] + 1, c.label) for c in kept],
            spaces=[hi < end and text[hi].isspace() for _, hi in tokens],
        )
        entities = [(" ".join(text[c.start : c.end].split()), c.label) for c in kept]
        taken.append((start, end, sentence, entities))
    return taken, unaligned, overlapping


def document_sentences(
    document_id: int,
    pages: Mapping[int, str],
    facts: Sequence[Fact],
    read: Sequence[tuple[int, int, int]],
) -> Taken:
    """The read sentences of one document: `read` holds (page, start, end) of its
    corrections' words; `facts` are its stored facts (corrections applied)."""
    result = Taken()
    for number, text in sorted(pages.items()):
        spans = [(lo, hi) for page, lo, hi in read if page == number]
        if not spans:
            continue
        on_page = [f for f in facts if f.page == number]
        found, unaligned, overlapping = page_sentences(text, on_page, spans)
        result.unaligned += unaligned
        result.overlapping += overlapping
        for start, end, sentence, entities in found:
            flat = " ".join(text[start:end].split())
            result.sentences.append(
                TakenSentence(document_id, number, start, end, flat, entities, sentence)
            )
    result.documents = int(bool(result.sentences))
    return result


# --- reading the corrections' database -----------------------------------------------------


@contextmanager
def opened(url: str, option: str) -> Iterator[Session]:
    """A session on an existing Pantau database (migrated to the newest schema if needed)."""
    from storage.engine import make_engine, session_for
    from storage.migrate import ensure_current

    parsed = sa.make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        if database in ("", ":memory:") or not Path(database).expanduser().is_file():
            raise SystemExit(f"{option} {hidden(url)}: no such SQLite database file.")
    engine = make_engine(url)
    try:
        ensure_current(engine)
        with session_for(engine) as session:
            yield session
    finally:
        engine.dispose()


def correction_sentences(session: Session) -> Taken:
    """The read sentences of every document with live corrections (see `document_sentences`).

    A sentence is read when it holds the words of a live correction that still stands on
    its page, whatever the correction says (a rejection too: what it leaves is right).
    """
    from storage import repository
    from storage.corrections import (
        corrected_document_ids,
        live_corrections,
        page_texts,
        spec_of,
    )

    taken = Taken()
    for document_id in corrected_document_ids(session):
        pages = page_texts(session, document_id=document_id)
        specs = [spec_of(row) for row in live_corrections(session, document_id=document_id)]
        read = [(s.page, s.start, s.end) for s in specs if anchored(s, pages)]
        facts = [
            Fact.model_validate(row.model_dump())
            for row in repository.get_facts(session, document_id=document_id)
        ]
        read += [(f.page, f.start, f.end) for f in facts if f.method == METHOD]
        found = document_sentences(document_id, pages, facts, sorted(set(read)))
        taken.documents += found.documents
        taken.sentences += found.sentences
        taken.unaligned += found.unaligned
        taken.overlapping += found.overlapping
    return taken


def audit_read(session: Session, taken: Taken) -> None:
    """Record in the audit log that the operating-system user read the corrected documents."""
    import getpass
    import os

    from storage import audit

    try:
        who = getpass.getuser()
    except (OSError, KeyError):
        who = f"uid:{os.getuid()}"
    details = {"documents": taken.documents, "sentences": len(taken.sentences)}
    audit.record(session, user=who, action="retrain", target="corrections", details=details)


# --- measuring a model -----------------------------------------------------------------------


def dev_stems(session: Session, gold: Mapping[str, Any], url: str) -> dict[int, str]:
    """Document id -> stem of every gold document in the dev database, or a clear refusal."""
    from pantau.exports import export_stems, readable_documents

    by_stem = {stem: i for i, stem in export_stems(readable_documents(session)).items()}
    missing = sorted(set(gold) - set(by_stem))
    if missing:
        shown = ", ".join(missing[:6]) + (", ..." if len(missing) > 6 else "")
        raise SystemExit(
            f"--dev-db {hidden(url)}: {len(missing)} of the {len(gold)} dev documents are "
            f"not in it ({shown}). Run the dev corpus into it first: "
            f"uv run pantau run {DEV_CORPUS} --db {hidden(url)}"
        )
    return {by_stem[stem]: stem for stem in sorted(gold)}


def predict(model: Path, jobs: Sequence[tuple[Session, dict[int, str]]]) -> list[dict[str, Any]]:
    """The annotations the pipeline built on the NER model folder `model` makes of the stored
    pages of each job's documents (id -> stem), one dict per job."""
    from extractors.nlp.pipeline import using_model
    from pantau.exports import extractor_annotations

    with using_model(model):
        return [extractor_annotations(session, stems) for session, stems in jobs]


def read_sentence_scores(model: Path, taken: Taken) -> dict[str, Any]:
    """Entity P/R/F1 of the NER alone (no rules) on the read sentences: whether it learned them."""
    from extractors.nlp.ner import open_model

    return train_ner.score_split(open_model(model), [s.sentence for s in taken.sentences])


def figures(result: Evaluation) -> dict[str, Any]:
    """An evaluation as plain data, without the per-document errors (they name people)."""
    data = result.as_dict()
    data.pop("errors", None)
    return data


def half_of(gold: Mapping[str, Any], first: str, last: str) -> dict[str, Any]:
    return {stem: data for stem, data in gold.items() if first <= stem <= last}


def value(scores: Mapping[str, Any], name: str) -> float:
    if name == "official_as_foreigner":
        return float(scores["official_as_foreigner"])
    return float(scores["fields"][name]["f1"])


def format_table(groups: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """Field x group x before/after: F1 (a count for official_as_foreigner)."""
    width = 24
    head = f"{'':{width}}" + "".join(f"{name:>24}" for name in groups)
    sub = f"{'field':{width}}" + f"{'before':>8}{'after':>8}{'change':>8}" * len(groups)
    docs = f"{'documents':{width}}" + "".join(
        f"{g['before']['documents']:>8}{g['after']['documents']:>8}{'':>8}" for g in groups.values()
    )
    lines = [head, sub, docs]
    for name in SHOWN_FIELDS:
        row = f"{name:{width}}"
        for group in groups.values():
            before, after = value(group["before"], name), value(group["after"], name)
            if name == "official_as_foreigner":
                row += f"{before:>8.0f}{after:>8.0f}{after - before:>+8.0f}"
            else:
                row += f"{before:>8.3f}{after:>8.3f}{after - before:>+8.3f}"
        lines.append(row)
    return lines


# --- the command ---------------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog="\n".join(__doc__.splitlines()[2:]),
    )
    parser.add_argument("--db", required=True, help="Pantau database holding the corrections")
    parser.add_argument(
        "--dev-db",
        default=None,
        help=f"database the dev corpus was run into (uv run pantau run {DEV_CORPUS} --db URL)",
    )
    parser.add_argument("--dev-gold", type=Path, default=DEFAULT_DEV_GOLD, help="dev gold folder")
    parser.add_argument(
        "--out", type=Path, default=None, help="new model folder (default: a new one in /tmp)"
    )
    parser.add_argument(
        "--weight",
        type=int,
        default=5,
        help="copies of each read sentence (0 trains without them: a control run)",
    )
    parser.add_argument("--max-steps", type=int, default=None, help="override training.max_steps")
    parser.add_argument(
        "--sample", type=int, default=None, help="at most N corpus sentences per split (trials)"
    )
    parser.add_argument("--data", type=Path, default=train_ner.DEFAULT_DATA, help="NER corpora")
    parser.add_argument(
        "--install",
        action="store_true",
        help=f"copy the new model over the shipped one ({train_ner.DEFAULT_OUT.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    if args.weight < 0:
        parser.error("--weight must be 0 or more")
    return args


def check_out(out: Path | None) -> None:
    """Refuse an output folder that is the shipped model or holds anything."""
    if out is None:
        return
    if out.resolve() == train_ner.DEFAULT_OUT.resolve():
        raise SystemExit(
            f"--out {out} is the shipped model; write elsewhere and add --install to replace it."
        )
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise SystemExit(f"--out {out} exists and is not empty; name a new folder.")


def hidden(url: str) -> str:
    """A database URL with its password hidden."""
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return url


def shown_command(argv: list[str]) -> str:
    """The command line, database passwords hidden."""
    shown = []
    for i, arg in enumerate(argv):
        name, sep, url = arg.partition("=")
        if sep and name in ("--db", "--dev-db"):
            arg = f"{name}={hidden(url)}"
        elif i > 0 and argv[i - 1] in ("--db", "--dev-db"):
            arg = hidden(arg)
        shown.append(arg)
    return " ".join([COMMAND, *map(shlex.quote, shown)])


def describe(out: Path, taken: Taken, weight: int, command: str) -> None:
    """Say in the model's meta.json and METRICS.json that corrections were added."""
    meta_path = out / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta["description"] = (
        "Indonesian PERSON / LOC / ORG recogniser trained by tools/train_ner.py, with "
        f"{len(taken.sentences)} sentences read by investigators added {weight} times each "
        "by tools/retrain.py."
    )
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    metrics_path = out / "METRICS.json"
    metrics = json.loads(metrics_path.read_text(encoding="utf-8"))
    metrics["command"] = command
    metrics["corrections"] = {**taken.summary(), "weight": weight}
    metrics_path.write_text(json.dumps(metrics, indent=2) + "\n", encoding="utf-8")


def train(args: argparse.Namespace, out: Path, taken: Taken) -> None:
    """Train with the read sentences added, `--weight` copies each, into `out`."""
    argv = ["--data", str(args.data), "--out", str(out)]
    if args.max_steps is not None:
        argv += ["--max-steps", str(args.max_steps)]
    if args.sample is not None:
        argv += ["--sample", str(args.sample)]
    extra = [s.sentence for s in taken.sentences for _ in range(args.weight)]
    train_ner.main(argv, extra=extra)


def ner_test_scores(folder: Path) -> dict[str, float]:
    """F1 per public test split as the model folder's METRICS.json gives it."""
    path = folder / "METRICS.json"
    if not path.is_file():
        return {}
    metrics = json.loads(path.read_text(encoding="utf-8"))
    return {name: float(s["f1"]) for name, s in (metrics.get("test") or {}).items()}


def dev_overlap(session: Session, stems: Mapping[int, str], taken: Taken) -> int:
    """How many read sentences also stand in a dev document (they would flatter the model)."""
    from storage import repository

    keys = set()
    for document_id in stems:
        for page in repository.get_pages(session, document_id=document_id):
            text = page.text or ""
            for start, end in sentence_spans(text, []):
                keys.add(sentence_key(text[start:end].split()))
    return sum(sentence_key(s.text.split()) in keys for s in taken.sentences)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    command = shown_command(argv)
    check_out(args.out)
    with opened(args.db, "--db") as session:
        taken = correction_sentences(session)
        if not taken.sentences:
            raise SystemExit(
                f"--db {hidden(args.db)}: no document has a live correction, so there is "
                "nothing to learn from. Corrections are made on a document's page in the "
                "workbench."
            )
        audit_read(session, taken)
    summary = taken.summary()
    labels = ", ".join(f"{label} {n}" for label, n in summary["labels"].items())
    print(
        f"Taken from the corrections: {summary['documents']} documents, "
        f"{summary['sentences']} sentences, {summary['entities']} entities ({labels}); "
        f"dropped: {taken.unaligned} off token boundaries, {taken.overlapping} overlapping. "
        f"Each sentence is trained {args.weight} times."
    )
    shipped = train_ner.DEFAULT_OUT
    report: dict[str, Any] = {
        "command": command,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "before_model": str(shipped),
        "weight": args.weight,
        "max_steps": args.max_steps,
        "sample": args.sample,
        "corrections": summary,
    }
    dev_gold: dict[str, Any] = {}
    stems: dict[int, str] = {}
    if args.dev_db is not None:  # checked before the long training, not after it
        dev_gold = read_annotations(args.dev_gold)
        with opened(args.dev_db, "--dev-db") as dev:
            stems = dev_stems(dev, dev_gold, args.dev_db)
            report["read_sentences_in_dev_set"] = overlap = dev_overlap(dev, stems, taken)
        if overlap:
            print(
                f"Warning: {overlap} of the read sentences also stand in the dev set; "
                "the after-figures flatter the new model."
            )

    out = args.out or Path(tempfile.mkdtemp(prefix="pantau-ner-retrained-"))
    train(args, out, taken)
    describe(out, taken, args.weight, command)
    print(f"New model: {out}")
    report["after_model"] = str(out)
    report["ner_test_f1"] = {"before": ner_test_scores(shipped), "after": ner_test_scores(out)}
    report["ner_read_sentences"] = {
        "before": read_sentence_scores(shipped, taken),
        "after": read_sentence_scores(out, taken),
    }

    with opened(args.db, "--db") as session, dev_session(args.dev_db) as dev:
        gold_corrections = corrected_gold(session)
        jobs = [(session, {int(a["document_id"]): stem for stem, a in gold_corrections.items()})]
        if dev is not None:
            jobs.append((dev, stems))
        before = predict(shipped, jobs)
        after = predict(out, jobs)
    groups: dict[str, dict[str, Any]] = {}
    if args.dev_db is not None:
        for first, last in HALVES:
            gold = half_of(dev_gold, first, last)
            groups[f"dev {first}:{last}"] = {
                "before": figures(evaluate(gold, before[1])),
                "after": figures(evaluate(gold, after[1])),
            }
    groups["corrections"] = {
        "before": figures(evaluate(gold_corrections, before[0])),
        "after": figures(evaluate(gold_corrections, after[0])),
    }
    report["scores"] = groups
    (out / "RETRAIN.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    print()
    for line in format_table(groups):
        print(line)
    read = report["ner_read_sentences"]
    print(
        "NER alone on the read sentences: "
        + ", ".join(
            f"{k} {read['before'][k]:.3f} -> {read['after'][k]:.3f}"
            for k in ("precision", "recall", "f1")
        )
    )
    tests = report["ner_test_f1"]
    if args.sample is None and tests["before"] and tests["after"]:
        print("NER F1 on the public test splits: " + ", ".join(
            f"{name} {tests['before'].get(name, 0):.3f} -> {f1:.3f}"
            for name, f1 in tests["after"].items()
        ))  # fmt: skip
    if args.dev_db is None:
        print(
            "Dev-set figures skipped: run the dev corpus into a database once "
            f"(uv run pantau run {DEV_CORPUS} --db sqlite:////tmp/dev.db) and add "
            "--dev-db sqlite:////tmp/dev.db."
        )
    print(f"Figures: {out / 'RETRAIN.json'}")
    if args.install:
        train_ner.install_model(out, shipped)
        print(f"Installed the new model in {shipped}.")
    return 0


def corrected_gold(session: Session) -> dict[str, Any]:
    """The corrected documents' annotations: the gold the corrections make."""
    from pantau.exports import annotations

    return annotations(session, corrected=True)  # type: ignore[operator]  # see pantau.exports


@contextmanager
def dev_session(url: str | None) -> Iterator[Session | None]:
    """A session on the dev database, or None without one."""
    if url is None:
        yield None
        return
    with opened(url, "--dev-db") as session:
        yield session


if __name__ == "__main__":
    raise SystemExit(main())
