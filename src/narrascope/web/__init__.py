"""The web app and HTTP API (FastAPI): the analyst's desk. Thin: every endpoint is one library call."""

from narrascope.web._app import WEB_LIMITS, create_app
from narrascope.web._batcher import BatchOptions
from narrascope.web._serve import serve

__all__ = ["WEB_LIMITS", "BatchOptions", "create_app", "serve"]
