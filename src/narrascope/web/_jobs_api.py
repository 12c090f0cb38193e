"""``/api/jobs``: submit a batch job (JSONL body or a file upload), follow its progress and failures."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from narrascope.store import JobInfo
from narrascope.web._jobs import JobRunner, job_name
from narrascope.web._spool import TooLarge, spool_input

router = APIRouter(prefix="/api", tags=["jobs"])
JOB_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"description": "No documents, a binary body, or a file type a job cannot read"},
    401: {"description": "Missing or wrong bearer token (when the server has one)"},
    404: {"description": "No such job"},
    413: {"description": "Job input over the server's `--max-job-bytes` (default 1 GiB)"},
}
STREAMED = ("/api/jobs",)  # the routes that read their body themselves: the guard passes it on unread


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


@router.post(
    "/jobs",
    status_code=202,
    summary="Queue a corpus analysis into the server's store: a JSONL body, or a file upload (`file`)",
    responses={202: {"description": "The queued job; follow its `url`"}, **JOB_ERRORS},
)
async def submit_job(request: Request) -> Response:
    """The body is written to disk as it arrives, under the job input limit, not the request body limit."""
    runner = runner_of(request)
    limit = runner.max_input_bytes
    declared = request.headers.get("content-length", "")
    try:
        if declared.isdigit() and int(declared) > limit:
            raise TooLarge(limit)  # refused before a byte is read (a client that waits for 100 Continue)
        folder = runner.new_spool()
        kind = request.headers.get("content-type", "")
        path = await spool_input(request.stream(), kind, folder, limit, job_name)
    except TooLarge as exc:
        return JSONResponse({"error": str(exc), "status": 413}, status_code=413)
    except ClientDisconnect:  # the client went away mid-upload: nothing is kept, nobody to answer
        return Response(status_code=499)
    info = await run_in_threadpool(runner.submit, path)
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
