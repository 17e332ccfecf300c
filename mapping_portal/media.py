"""Uploaded files, served only after an access check — never from a public folder.

Each app that stores uploads registers the folder it uploads to on `mapping_portal.hooks.media`, with a rule
`(user, path) -> bool` that says whether a user may see one file of it (usually: "the record that owns this file
is in the user's scope"). A path under no registered folder, or one the rule refuses, answers 404 — the same as
a file that does not exist, so nothing is confirmed. Files are read through Django's storage,
so object storage works the same as a local disk.
"""

import mimetypes
import posixpath

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from mapping_portal import hooks


def _clean(path: str) -> str | None:
    normalised = posixpath.normpath(path).lstrip("/")
    if normalised.startswith("..") or "\x00" in normalised or normalised in {"", "."}:
        return None
    return normalised


@require_GET
def serve(request, path):
    clean = _clean(path)
    if clean is None:
        raise Http404
    rule = hooks.media.get(clean.split("/", 1)[0])
    if rule is None or not rule(request.user, clean) or not default_storage.exists(clean):
        raise Http404
    content_type, _ = mimetypes.guess_type(clean)
    response = FileResponse(default_storage.open(clean, "rb"), content_type=content_type or "application/octet-stream")
    # Private: a shared proxy must not hand one user's allowed file to another user.
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
