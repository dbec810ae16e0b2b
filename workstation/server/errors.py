"""One error shape for every 4xx/5xx answer: ``{"error": code, "message": text, ...}``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from workstation.errors import WorkstationError
from workstation.text import Text


class ApiError(WorkstationError):
    summary = Text("The server refused the request", "服务器拒绝了请求")

    def __init__(
        self,
        status: int,
        error: str,
        message: str,
        *,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, **self.extra}


class ErrorOut(BaseModel):
    """The body of every error response."""

    model_config = ConfigDict(extra="allow")
    error: str
    message: str


def not_found(what: str = "resource") -> ApiError:
    # the same answer whether the thing does not exist or is outside the caller's scope
    return ApiError(404, "not_found", f"{what} not found")


def forbidden(message: str = "your role may not do this") -> ApiError:
    return ApiError(403, "forbidden", message)


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "Malformed request"},
    401: {"model": ErrorOut, "description": "Not signed in, token expired, or device revoked"},
    403: {"model": ErrorOut, "description": "Role or team may not do this"},
    404: {"model": ErrorOut, "description": "Not found (or not in the caller's scope)"},
    409: {"model": ErrorOut, "description": "Conflicts with the current state"},
    413: {"model": ErrorOut, "description": "Request body too large"},
    422: {"model": ErrorOut, "description": "Invalid request body or parameters"},
    429: {"model": ErrorOut, "description": "Too many requests"},
}
