"""The JSON API: one NinjaAPI mounting one router per app (see each app's api.py)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.operation import Operation

from tuquan.accounts.api_auth import BearerToken, SessionAuth

DESCRIPTION = """\
The registry of Tự Quản: the organisation tree (administrative units, zones,
enterprises, residences, self-management teams) and workers.

**Authentication.** Machines send `Authorization: Bearer <token>` (tokens are issued
on the "API tokens" page). Browsers use their session; unsafe methods then need the
`X-CSRFToken` header. Without either the answer is 401.

**Scope.** Every answer is limited to the caller's part of the tree. An object
outside it answers 404, as if it did not exist; an id outside it inside a request
body answers 422 on that field.

**Pagination.** Every list is paginated by page number: `?page=1&page_size=50`
(default 50 items, at most 100). The answer is `{"items": [...], "count": N}`
where `count` is the number of matching items on all pages. Items come in a stable
order (by name, then id; the organisation tree by path).

**Idempotent creates.** Every create accepts an optional `client_id` (a UUID made
by the client). Repeating a create with the same `client_id` returns the object the
first request made, with status 200 instead of 201, and never a duplicate.

**Errors.** 422 answers carry `{"detail": [{"field": ..., "messages": [...]}]}`
with messages in Vietnamese; 401, 403 and 404 carry `{"detail": "..."}`.

**Dates** are answered as `YYYY-MM-DD` and accepted as `YYYY-MM-DD` or
`dd/mm/yyyy`. National ID and phone numbers are answered masked; the clear values
come only from `POST /workers/{id}/reveal`, which is audited.
"""


class TuquanAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # Operation ids are the function names (list_zones, get_zone...): they
        # are unique across routers and read well in generated clients.
        return operation.view_func.__name__


api = TuquanAPI(
    title="Tự Quản API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=[BearerToken(), SessionAuth()],
    docs_url="/docs",
)


@api.exception_handler(ValidationError)
def django_validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    if hasattr(exc, "error_dict"):
        detail = [
            {"field": field, "messages": [str(m) for m in errors]}
            for field, errors in exc.message_dict.items()
        ]
    else:
        detail = [{"field": "__all__", "messages": [str(m) for m in exc.messages]}]
    return api.create_response(request, {"detail": detail}, status=422)


# Where ninja says a value came from; not part of the field name a client sees.
_SOURCES = {"body", "query", "path", "header", "cookie", "form", "file"}
# Parameter names of our operations that wrap a whole schema.
_WRAPPERS = {"payload", "filters", "pagination"}

# pydantic error type → one of our sentences (below).
_KINDS = {
    "missing": "required",
    "int_parsing": "integer",
    "int_type": "integer",
    "int_from_float": "integer",
    "float_parsing": "number",
    "float_type": "number",
    "decimal_parsing": "number",
    "decimal_type": "number",
    "finite_number": "number",
    "bool_parsing": "boolean",
    "bool_type": "boolean",
    "string_type": "text",
    "list_type": "list",
    "dict_type": "object",
    "model_type": "object",
    "model_attributes_type": "object",
    "date_parsing": "date",
    "date_type": "date",
    "date_from_datetime_parsing": "date",
    "date_from_datetime_inexact": "date",
    "datetime_parsing": "datetime",
    "datetime_type": "datetime",
    "datetime_from_date_parsing": "datetime",
    "time_parsing": "time",
    "time_type": "time",
    "uuid_parsing": "uuid",
    "uuid_type": "uuid",
    "uuid_version": "uuid",
    "enum": "choice",
    "literal_error": "choice",
    "string_too_short": "too_short",
    "string_too_long": "too_long",
    "too_short": "too_few",
    "too_long": "too_many",
    "greater_than": "gt",
    "greater_than_equal": "ge",
    "less_than": "lt",
    "less_than_equal": "le",
    "extra_forbidden": "unknown",
    "json_invalid": "json",
}

_SENTENCES = {
    "required": gettext_lazy("The field “%(field)s” is required."),
    "integer": gettext_lazy("The field “%(field)s” must be a whole number."),
    "number": gettext_lazy("The field “%(field)s” must be a number."),
    "boolean": gettext_lazy("The field “%(field)s” must be true or false."),
    "text": gettext_lazy("The field “%(field)s” must be text."),
    "list": gettext_lazy("The field “%(field)s” must be a list."),
    "object": gettext_lazy("The field “%(field)s” must be an object."),
    "date": gettext_lazy(
        "The field “%(field)s” must be a valid date, written dd/mm/yyyy or yyyy-mm-dd."
    ),
    "datetime": gettext_lazy("The field “%(field)s” must be a valid date and time."),
    "time": gettext_lazy("The field “%(field)s” must be a valid time, written hh:mm."),
    "uuid": gettext_lazy("The field “%(field)s” must be a UUID."),
    "choice": gettext_lazy("The field “%(field)s” must be one of: %(choices)s."),
    "too_short": gettext_lazy(
        "The field “%(field)s” must have at least %(n)s characters."
    ),
    "too_long": gettext_lazy(
        "The field “%(field)s” must have at most %(n)s characters."
    ),
    "too_few": gettext_lazy("The field “%(field)s” must have at least %(n)s items."),
    "too_many": gettext_lazy("The field “%(field)s” must have at most %(n)s items."),
    "gt": gettext_lazy("The field “%(field)s” must be greater than %(n)s."),
    "ge": gettext_lazy("The field “%(field)s” must be at least %(n)s."),
    "lt": gettext_lazy("The field “%(field)s” must be less than %(n)s."),
    "le": gettext_lazy("The field “%(field)s” must be at most %(n)s."),
    "unknown": gettext_lazy("“%(field)s” is not a field of this request."),
    "json": gettext_lazy("The request body is not valid JSON."),
}

# Where pydantic puts the bound of a length or range error.
_BOUNDS = {
    "too_short": "min_length",
    "too_long": "max_length",
    "too_few": "min_length",
    "too_many": "max_length",
    "gt": "gt",
    "ge": "ge",
    "lt": "lt",
    "le": "le",
}


def _field_name(error: dict[str, Any]) -> str:
    loc = [str(part) for part in error.get("loc", ())]
    if loc and loc[0] in _SOURCES:
        loc = loc[1:]
    if loc and loc[0] in _WRAPPERS:
        loc = loc[1:]
    return ".".join(loc) or "__all__"


def _schema_message(error: dict[str, Any], field: str) -> str:
    """One Vietnamese sentence for a pydantic error, naming the field."""
    kind = _KINDS.get(error.get("type", ""))
    if kind is None:
        reason = str(error.get("msg", ""))
        # Our own validators raise ValueError with a translated message.
        if error.get("type") == "value_error":
            return reason.removeprefix("Value error, ")
        return _("Invalid value for “%(field)s”: %(reason)s") % {
            "field": field,
            "reason": reason,
        }
    if kind == "object" and field == "__all__":
        return _("The request body must be a JSON object.")
    ctx = error.get("ctx") or {}
    # ctx["expected"] reads "'male' or 'female'": keep the values only.
    choices = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
    values = {
        "field": field,
        "n": ctx.get(_BOUNDS.get(kind, ""), ""),
        "choices": ", ".join(choices),
    }
    return str(_SENTENCES[kind]) % values


@api.exception_handler(NinjaValidationError)
def schema_validation_error(
    request: HttpRequest, exc: NinjaValidationError
) -> HttpResponse:
    detail: list[dict[str, Any]] = []
    by_field: dict[str, list[str]] = {}
    for error in exc.errors:
        field = _field_name(error)
        if field not in by_field:
            by_field[field] = []
            detail.append({"field": field, "messages": by_field[field]})
        message = _schema_message(error, field)
        if message not in by_field[field]:
            by_field[field].append(message)
    return api.create_response(request, {"detail": detail}, status=422)


@api.exception_handler(PermissionDenied)
def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    message = str(exc) or _("You do not have permission to do this.")
    return api.create_response(request, {"detail": message}, status=403)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("Log in or send a valid API token.")}, status=401
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": _("Not found.")}, status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    # ninja's own wording for a body that is not JSON; ours is translated.
    if exc.status_code == 400 and message.startswith("Cannot parse request body"):
        message = _("The request body is not valid JSON.")
    return api.create_response(request, {"detail": message}, status=exc.status_code)


def _mount() -> None:
    from tuquan.directives.api import router as directives_router
    from tuquan.gates.api import router as gates_router
    from tuquan.gates.api_cards import router as cards_router
    from tuquan.gates.api_vehicles import router as vehicles_router
    from tuquan.health.api import router as health_router
    from tuquan.health.api_cases import router as cases_router
    from tuquan.health.api_tracing import router as tracing_router
    from tuquan.levels.api import router as levels_router
    from tuquan.organisations.api import router as organisations_router
    from tuquan.outreach.api import router as outreach_router
    from tuquan.patrols.api import router as patrols_router
    from tuquan.people.api import router as people_router
    from tuquan.recognition.api import router as recognition_router
    from tuquan.reports.api import router as reports_router
    from tuquan.reports.api_official import router as official_reports_router
    from tuquan.riskassess.api import router as riskassess_router
    from tuquan.screening.api import router as screening_router
    from tuquan.security.api import router as security_router
    from tuquan.surveillance.api import router as surveillance_router
    from tuquan.tips.api import router as tips_router
    from tuquan.violations.api import router as violations_router

    api.add_router("/", organisations_router)
    api.add_router("/", people_router)
    api.add_router("/", gates_router)
    api.add_router("/", cards_router)
    api.add_router("/", vehicles_router)
    api.add_router("/", health_router)
    api.add_router("/", cases_router)
    api.add_router("/", tracing_router)
    api.add_router("/", screening_router)
    api.add_router("/", surveillance_router)
    api.add_router("/", riskassess_router)
    api.add_router("/", levels_router)
    api.add_router("/", security_router)
    api.add_router("/", patrols_router)
    api.add_router("/", tips_router)
    api.add_router("/", violations_router)
    api.add_router("/", recognition_router)
    api.add_router("/", outreach_router)
    api.add_router("/", directives_router)
    api.add_router("/", reports_router)
    api.add_router("/", official_reports_router)


_mount()
