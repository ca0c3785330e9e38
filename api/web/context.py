"""What the staff page's routes share: a pipeline ``Context`` over the app's own index and store (for
corrections, review decisions and uploads), and the server's upload processor."""

from __future__ import annotations

from fastapi import FastAPI, Request

from api.state import app_state
from workers.context import Context
from workers.uploads import UploadProcessor, processor_jobs


def context_of(app: FastAPI) -> Context:
    ctx = getattr(app.state, "web_context", None)
    if ctx is None:
        state = app.state.sohoa
        ctx = Context(state.settings)
        ctx.__dict__["index"] = state.index  # the cached properties, filled with the app's own
        ctx.__dict__["store"] = state.store
        app.state.web_context = ctx
    return ctx


def web_context(request: Request) -> Context:
    app_state(request)
    return context_of(request.app)


def processor_for(app: FastAPI) -> UploadProcessor:
    processor = getattr(app.state, "web_processor", None)
    if processor is None:
        ctx = context_of(app)
        processor = UploadProcessor(ctx, jobs=processor_jobs(ctx))
        app.state.web_processor = processor
    return processor


def wake_processor(request: Request) -> None:
    processor = getattr(request.app.state, "web_processor", None)
    if processor is not None:
        processor.wake()
