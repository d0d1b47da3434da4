"""Batch search (investigators): paste or upload a list of names or passport numbers and
see, for each, the subjects and documents that match; the same as CSV. Audited."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Request, UploadFile
from starlette.responses import Response

from models.i18n import N_, _
from models.tables import Role
from storage import batch_search
from web import deps

router = APIRouter()
NAV = (deps.NavItem(N_("Batch search"), "/search/batch", Role.INVESTIGATOR),)
MAX_UPLOAD_BYTES = 1024 * 1024


@router.get("/search/batch")
def batch_page(request: Request, user: deps.Investigator) -> Response:
    """The form: a list to paste, or a text file to upload."""
    return deps.render(request, "batch.html", {"results": None, "names": ""})


@router.post("/search/batch")
async def batch_results(
    request: Request,
    user: deps.Investigator,
    session: deps.DbSession,
    names: Annotated[str, Form()] = "",
    upload: Annotated[UploadFile | None, File()] = None,
    format: Annotated[str, Form()] = "html",
) -> Response:
    """Match every line of the pasted list (and of the uploaded file) against the subjects."""
    text = names
    if upload is not None and upload.filename:
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            raise HTTPException(413, _("The file is larger than 1 MiB; split the list."))
        try:
            text += "\n" + data.decode("utf-8-sig")
        except UnicodeDecodeError as e:
            message = _("The file is not UTF-8 text: save it as plain text.")
            raise HTTPException(400, message) from e
    lines = batch_search.read_lines(text)
    found = batch_search.batch_search(session, lines=lines)
    deps.record(
        request,
        session,
        user=user.name,
        action="batch_search",
        target=f"{len(lines)} lines",
        details={
            "lines": len(lines),
            "format": format,
            "matched": sum(bool(x.matches) for x in found),
        },
    )
    if format == "csv":
        return Response(
            batch_search.as_csv(found),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="pantau-batch-search.csv"'},
        )
    context = {"results": found, "names": "\n".join(lines), "limit": batch_search.MAX_LINES}
    return deps.render(request, "batch.html", context)
