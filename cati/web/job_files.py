"""Hands out the file a background job made, from the database, to whoever may have it."""

from __future__ import annotations

import io

from flask import abort, send_file
from werkzeug.wrappers import Response

from cati import db, jobs
from cati.models import Job


def send_output(job: Job) -> Response:
    """The job's file as a download; 404 while it has none."""
    content = jobs.output_of(db.session(), job)
    if content is None:
        abort(404)
    return send_file(io.BytesIO(content), download_name=job.file_name, as_attachment=True)
