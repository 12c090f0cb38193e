"""``/api/jobs``: submit a batch job (JSONL body or a file upload), follow its progress and failures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from narrascope.store import JobInfo
from narrascope.web._jobs import JobRunner

router = APIRouter(prefix="/api", tags=["jobs"])
JOB_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "No documents, a binary body, or a file type a job cannot read"},
    401: {"description": "Missing or wrong bearer token (when the server has one)"},
    404: {"description": "No such job"},
    413: {"description": "Request body over the limit"},
}


def runner_of(request: Request) -> JobRunner:
    runner: JobRunner = request.app.state.jobs
    return runner


def _view(info: JobInfo, position: int | None = None, failures: list[dict[str, str]] | None = None) -> Any:
    body = info.to_dict()
    body["url"] = f"/api/jobs/{info.job_id}"
    if position is not None:
        body["queue_position"] = position
    if failures is not None:
        body["failures"] = failures
    return body


async def _input_of(request: Request) -> tuple[bytes, str]:
    """The job's input: the ``file`` field of a multipart upload, else the body itself (JSONL)."""
    if request.headers.get("content-type", "").startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise HTTPException(400, "a multipart job needs its input in the 'file' field")
        return await upload.read(), upload.filename or "upload.jsonl"
    return await request.body(), "body.jsonl"


@router.post(
    "/jobs",
    status_code=202,
    summary="Queue a corpus analysis into the server's store: a JSONL body, or a file upload (`file`)",
    responses={202: {"description": "The queued job; follow its `url`"}, **JOB_ERRORS},
)
async def submit_job(request: Request) -> JSONResponse:
    data, name = await _input_of(request)
    info = await run_in_threadpool(runner_of(request).submit, data, name)
    return JSONResponse(_view(info), status_code=202, headers={"Location": f"/api/jobs/{info.job_id}"})


@router.get("/jobs", summary="The newest jobs first", responses=JOB_ERRORS)
async def jobs(request: Request) -> dict[str, Any]:
    listed = await run_in_threadpool(runner_of(request).recent)
    return {"jobs": [_view(j) for j in listed]}


@router.get("/jobs/{job_id}", summary="A job's status, progress and first 100 failures", responses=JOB_ERRORS)
async def job(job_id: int, request: Request) -> dict[str, Any]:
    found = await run_in_threadpool(runner_of(request).get, job_id)
    if found is None:
        raise HTTPException(404, f"no job {job_id}")
    info, position, failures = found
    view: dict[str, Any] = _view(info, position, failures)
    return view
