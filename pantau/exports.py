"""Exports of stored documents to files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from storage import repository


def export_text(session: Any, *, out: Path) -> list[Path]:
    """Write `<input file stem>.txt` per readable document, pages in order, page breaks as \\f.

    Two inputs with the same stem get `-<id>` suffixes so nothing is overwritten.
    """
    out.mkdir(parents=True, exist_ok=True)
    documents = [
        d for d in repository.list_documents(session) if d.status in ("processed", "partial")
    ]
    stems: dict[str, int] = {}
    for document in documents:
        stem = Path(document.name).stem
        stems[stem] = stems.get(stem, 0) + 1
    written = []
    for document in documents:
        stem = Path(document.name).stem
        name = f"{stem}-{document.id}.txt" if stems[stem] > 1 else f"{stem}.txt"
        pages = repository.get_pages(session, document_id=document.id)
        text = "\f".join(page.text or "" for page in pages)
        target = out / name
        target.write_text(text + "\n", encoding="utf-8")
        written.append(target)
    return written
