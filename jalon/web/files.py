"""Files people attach (evidence, reports, materials): what may be uploaded, and how it is served back.

Uploads are limited in size and to the document, spreadsheet, presentation, image and archive formats the
programmes exchange: nothing a browser would run as a page (HTML, SVG, XML), since the files are served
from the site's own origin. Served back only through each domain's access-checked view, as a download
with a fixed content type, `nosniff` and a sandboxing policy, never from a public folder."""

import os
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import FileResponse, HttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

# Extension -> the content type it is served with.
TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".csv": "text/csv",
    ".txt": "text/plain",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".zip": "application/zip",
}
# The first bytes of a page a browser would render, whatever the file's name says.
PAGE_MARKERS = tuple(
    b"<" + tag for tag in (b"!doctype html", b"html", b"script", b"svg", b"?xml", b"head", b"body", b"iframe")
)


def upload_validate(upload) -> None:
    """A form field validator: size, format by extension, and no page hidden under another name."""
    if upload is None or upload is False:
        return
    limit = settings.JALON_UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large (%(size)s MB): the limit is %(limit)s MB.")
            % {"size": round(upload.size / 1e6, 1), "limit": round(limit / 1e6)},
            code="too_large",
        )
    extension = os.path.splitext(upload.name or "")[1].lower()
    if extension not in TYPES:
        raise ValidationError(
            _("Files of this kind cannot be attached. Use one of: %(kinds)s.")
            % {"kinds": ", ".join(sorted(kind.lstrip(".") for kind in TYPES))},
            code="type",
        )
    start = upload.read(1024).lstrip().lower()
    upload.seek(0)
    if start.startswith(PAGE_MARKERS):
        raise ValidationError(_("This file is a web page, not a document: it cannot be attached."), code="page")


def private_file(field_file, *, name: str | None = None) -> HttpResponseBase:
    """The file as a download, after the caller's access check. Never cached, never rendered as a page.
    Sent by jalon, or by the proxy in front of it (settings.JALON_FILE_HANDOFF): then the answer is empty
    and names the file for the proxy, which never serves the folder to the public itself."""
    file_name = name or os.path.basename(field_file.name)
    extension = os.path.splitext(field_file.name)[1].lower()
    content_type = TYPES.get(extension, "application/octet-stream")
    handoff = settings.JALON_FILE_HANDOFF
    response: HttpResponseBase
    if not handoff:
        response = FileResponse(
            field_file.open("rb"), as_attachment=True, filename=file_name, content_type=content_type
        )
    elif handoff in ("nginx", "apache"):
        response = HttpResponse(content_type=content_type)
        response["Content-Disposition"] = content_disposition_header(True, file_name) or "attachment"
        if handoff == "nginx":
            response["X-Accel-Redirect"] = quote(settings.JALON_FILE_HANDOFF_PREFIX + field_file.name)
        else:
            response["X-Sendfile"] = field_file.path
    else:
        raise ImproperlyConfigured(f'JALON_FILE_HANDOFF must be "", "nginx" or "apache", not {handoff!r}')
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
