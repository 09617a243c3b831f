"""Import a roster file (.xlsx/.csv) of workers into one enterprise, in bulk.

The rules, shown to users on the preview page:

* One worker per national ID: a row whose ID is already registered updates that
  worker (at another enterprise: hires them, closing the old employment).
* All or nothing: with any invalid row nothing is imported, unless the caller
  asks to skip invalid rows, which are then listed.
* Names are matched accent- and case-insensitively. Unknown workshops,
  production lines and rooms are created; an unknown shift, team, residence
  or bus route is an error naming the value.
* An empty cell clears the value; a column missing from the file leaves the
  value unchanged. A team cell adds the worker to that team (other
  memberships stay).

Speed: 100,000 rows must import in seconds, so rows are validated in memory in
chunks (existing workers fetched by ``national_id_hash__in``) and written in
batches inside one transaction (``COPY`` on PostgreSQL, ``bulk_create`` and
``bulk_update`` elsewhere), with one audit entry per created or changed worker,
the same as :func:`tuquan.core.audit.record` writes.

For the web flow an import is a *job*: the uploaded file and a JSON status file
under ``MEDIA_ROOT/imports/<random id>/``, readable by the web process and by a
Celery worker alike (no table needed, nothing to migrate).
"""

from __future__ import annotations

import functools
import json
import logging
import operator
import os
import re
import secrets
import shutil
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import orjson
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from tuquan.accounts.choices import EDITOR_ROLES
from tuquan.accounts.scoping import can_edit, scope_paths
from tuquan.core import audit, crypto
from tuquan.core.batch import gc_paused
from tuquan.core.context import acting_as, current_actor
from tuquan.core.models import AuditAction, AuditEntry
from tuquan.core.scoping import paths_q
from tuquan.core.text import fold, nfc
from tuquan.organisations.choices import TeamKind
from tuquan.organisations.models import (
    BusRoute,
    Enterprise,
    Line,
    Residence,
    Room,
    Shift,
    Team,
    Workshop,
)
from tuquan.people.models import (
    Employment,
    EmploymentStatus,
    MembershipRole,
    TeamMembership,
    Worker,
)
from tuquan.people.roster_file import (
    EXPORT_HEADERS,
    RosterFileError,
    RosterRow,
    RosterTable,
    RosterValueError,
    parse_date,
    parse_sex,
    read_roster,
    write_error_copy,
)
from tuquan.people.services import check_worker_values

logger = logging.getLogger(__name__)


BATCH_SIZE = 2000
# Changes kept in a report for display; counts are always complete.
MAX_LISTED_CHANGES = 500
# Errors kept in a stored job (the error copy has them all).
MAX_STORED_ERRORS = 200
# Import jobs older than this are deleted when a new one starts.
JOB_LIFETIME = timedelta(days=2)

ProgressCallback = Callable[[str, int, int | None], None]

# Fields of a Worker that an import writes (besides ID/phone, which go through
# the encrypting properties).
_WRITTEN_FIELDS = (
    "full_name",
    "name_folded",
    "date_of_birth",
    "sex",
    "phone_enc",
    "phone_hash",
    "phone_tail",
    "enterprise",
    "workshop",
    "line",
    "shift",
    "residence",
    "room",
    "bus_route",
    "employment_status",
    "employment_start",
    "employment_end",
    "updated_at",
)


class _Keep:
    """Marks a value whose column is missing from the file: leave it as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Any = _Keep()


class SystemActor:
    """The operator of a console command run without ``--as``: full rights.

    Behaves like a superuser for scoping (``scope_paths`` returns None) and
    is written to the audit log as "system" with no user row.
    """

    pk = None
    id = None
    username = "system"
    full_name = "system"
    is_superuser = True
    is_staff = False
    is_active = True
    is_authenticated = True
    is_anonymous = False

    def __str__(self) -> str:
        return self.username


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


@dataclass
class RowError:
    """One problem: file row, column header as written in the file, the cell
    value and the reason (already translated)."""

    row: int
    column: str
    value: str
    message: str


@dataclass
class RowChange:
    """A row that creates or changes a worker; ``fields`` are column headers."""

    row: int
    full_name: str
    kind: str  # "new", "changed" or "hired"
    fields: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import found and did (or, for a dry run, would do)."""

    filename: str
    enterprise_id: int
    enterprise_name: str
    dry_run: bool
    skip_invalid: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    hired: int = 0
    invalid: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    invalid_rows: list[int] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)
    new_workshops: list[str] = field(default_factory=list)
    new_lines: list[str] = field(default_factory=list)
    new_rooms: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    unknown_headers: list[str] = field(default_factory=list)
    imported: bool = False
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return self.created + self.updated

    @property
    def skipped_rows(self) -> list[int]:
        """Rows left out of an import made with ``skip_invalid``."""
        return self.invalid_rows if self.imported else []

    @property
    def new_parts(self) -> int:
        return len(self.new_workshops) + len(self.new_lines) + len(self.new_rooms)

    @property
    def can_import(self) -> bool:
        """Would a confirmed import write anything, under the all-or-nothing rule?"""
        return (self.invalid == 0 or self.skip_invalid) and self.rows > self.invalid

    def errors_by_row(self) -> dict[int, list[str]]:
        result: dict[int, list[str]] = {}
        for error in self.errors:
            result.setdefault(error.row, []).append(
                f"{error.column}: {error.message}" if error.column else error.message
            )
        return result

    def to_dict(self, *, max_errors: int | None = None) -> dict[str, Any]:
        data = asdict(self)
        if max_errors is not None:
            data["errors"] = data["errors"][:max_errors]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        data = dict(data)
        data["errors"] = [RowError(**e) for e in data.get("errors", [])]
        data["changes"] = [RowChange(**c) for c in data.get("changes", [])]
        return cls(**data)


def row_ranges(rows: Iterable[int]) -> str:
    """``[3, 4, 5, 9]`` -> ``"3–5, 9"``: skipped rows, readable."""
    parts: list[str] = []
    ordered = sorted(set(rows))
    start = prev = None
    for number in [*ordered, None]:
        if start is not None and (number is None or number != prev + 1):
            parts.append(str(start) if start == prev else f"{start}–{prev}")
            start = None
        if number is not None and start is None:
            start = number
        prev = number
    return ", ".join(parts)


# --------------------------------------------------------------------------
# Permissions
# --------------------------------------------------------------------------


def editable_enterprises(user: Any) -> Any:
    """Enterprises ``user`` may import workers into (edit rights)."""
    queryset = Enterprise.objects.visible_to(user)
    paths = scope_paths(user, EDITOR_ROLES)
    if paths is None:
        return queryset
    return queryset.filter(paths_q("path", paths)) if paths else queryset.none()


def _require_edit(by: Any, enterprise: Enterprise) -> None:
    if not can_edit(by, enterprise.path):
        raise PermissionDenied(_("You may not register workers for this enterprise."))


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------

_EXISTING_FIELDS = (
    "id",
    "national_id_hash",
    "enterprise_id",
    "full_name",
    "date_of_birth",
    "sex",
    "phone_hash",
    "workshop_id",
    "line_id",
    "shift_id",
    "residence_id",
    "room_id",
    "bus_route_id",
    "employment_start",
    "residence__name",
    "residence__short_name",
    "residence__path",
)

_SPACES_AND_DOTS = re.compile(r"[\s.]")
_MASK_CHARACTERS = frozenset("•*xX")


def _is_masked(value: str) -> bool:
    """An ID hidden behind bullets (our export) or stars/x (other software)."""
    return sum(ch in _MASK_CHARACTERS for ch in value) >= 3


def _id_digits(value: object) -> str:
    """The 12 digits an ID cell stands for, cheaply, for the lookup hash
    (full validation is ``check_worker_values``'s)."""
    if not isinstance(value, str):
        return ""
    text = _SPACES_AND_DOTS.sub("", unicodedata.normalize("NFKC", value))
    return text if len(text) == 12 and text.isdigit() and text.isascii() else ""


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value  # roster_file already gives NFC, trimmed text
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return nfc(str(value))


# Part names repeat on every row: fold each distinct one once.
_fold = functools.lru_cache(maxsize=4096)(fold)


def _with_hashes(workers: Any, hashes: Iterable[str]) -> Any:
    """``workers.filter(national_id_hash__in=hashes)``. On PostgreSQL as
    ``= ANY(array)``: one parameter instead of a chunk's thousands, which
    psycopg and the server would otherwise parse for every query."""
    if connection.vendor != "postgresql":
        return workers.filter(national_id_hash__in=hashes)
    quote = connection.ops.quote_name
    # No user text in the SQL, only a parameter.
    return workers.extra(
        where=[
            "{}.{} = ANY(%s)".format(
                quote(Worker._meta.db_table),
                quote(Worker._meta.get_field("national_id_hash").column),
            )
        ],
        params=[list(hashes)],
    )


class _Builder:
    """Builds model instances from keyword values through the positional
    ``__init__`` path, about twice as fast as keywords for bulk creates."""

    def __init__(self, model: type[Any]) -> None:
        self.model = model
        fields = model._meta.concrete_fields
        self.fields = [f.attname for f in fields]
        # Callable defaults (dict, uuid4...) must give each instance its own.
        self.defaults = {
            f.attname: (
                f.default
                if f.has_default() and callable(f.default)
                else f.get_default()
            )
            for f in fields
        }

    def __call__(self, **values: Any) -> Any:
        defaults = self.defaults
        args = []
        for name in self.fields:
            if name in values:
                args.append(values[name])
            else:
                default = defaults[name]
                args.append(default() if callable(default) else default)
        return self.model(*args)


class _Record:
    """A valid row, reduced to what the save step needs (kept for every row
    of the file, so small: slots, ids rather than objects)."""

    __slots__ = (
        "bus_route",
        "date_of_birth",
        "employment_start",
        "fields",
        "full_name",
        "id_hash",
        "kind",
        "line",
        "national_id",
        "number",
        "phone",
        "phone_hash",
        "residence",
        "room",
        "sex",
        "shift",
        "team",
        "workshop",
    )

    number: int
    full_name: str
    date_of_birth: Any
    sex: Any
    national_id: str
    id_hash: str
    phone: Any  # normalised phone, "" for none, or KEEP
    phone_hash: Any
    workshop: Any  # id, a str key for a workshop to create, None or KEEP
    line: Any  # id, (workshop key, folded name) to create, None or KEEP
    shift: Any
    residence: Any
    room: Any  # id, (residence id, folded number) to create, None or KEEP
    bus_route: Any
    team: int | None
    employment_start: Any
    kind: str  # "new", "changed", "hired" or "same"
    fields: list[str]


class _Lookups:
    """Name → id maps for one enterprise, folded, built once per import."""

    def __init__(self, enterprise: Enterprise, by: Any) -> None:
        self.enterprise = enterprise
        self.by = by
        self.workshops: dict[str, int] = {}
        for pk, name in Workshop.objects.filter(enterprise=enterprise).values_list(
            "pk", "name"
        ):
            self.workshops.setdefault(fold(name), pk)
        self.lines: dict[tuple[int, str], int] = {}
        for pk, workshop_id, name in Line.objects.filter(
            workshop__enterprise=enterprise
        ).values_list("pk", "workshop_id", "name"):
            self.lines.setdefault((workshop_id, fold(name)), pk)
        self.shifts: dict[str, int] = {}
        for shift in Shift.objects.filter(enterprise=enterprise):
            self.shifts.setdefault(fold(shift.name), shift.pk)
            self.shifts.setdefault(fold(str(shift)), shift.pk)
        self.bus_routes = self._names(BusRoute.objects.filter(enterprise=enterprise))
        self.teams = self._team_names(Team.objects.filter(enterprise=enterprise))
        self.residence_teams: dict[int, dict[str, int]] = {}
        # Residences the actor sees; a name shared by several is ambiguous (-1).
        self.residences: dict[str, int] = {}
        self.residence_paths: dict[int, str] = {}
        for pk, name, short_name, path in Residence.objects.visible_to(by).values_list(
            "pk", "name", "short_name", "path"
        ):
            self.residence_paths[pk] = path
            for key in {fold(name), fold(short_name)} - {""}:
                known = self.residences.get(key)
                self.residences[key] = pk if known in (None, pk) else -1
        self.rooms: dict[int, dict[str, int]] = {}
        # Parts to create, first spelling wins: folded key -> name as written.
        self.new_workshops: dict[str, str] = {}
        self.new_lines: dict[tuple[Any, str], str] = {}
        self.new_rooms: dict[tuple[int, str], str] = {}
        self.editable_residences: dict[int, bool] = {}

    @staticmethod
    def _names(queryset: Any) -> dict[str, int]:
        names: dict[str, int] = {}
        for pk, name in queryset.values_list("pk", "name"):
            names.setdefault(fold(name), pk)
        return names

    @staticmethod
    def _team_names(queryset: Any) -> dict[str, int]:
        names: dict[str, int] = {}
        for pk, name, short_name in queryset.values_list("pk", "name", "short_name"):
            for key in (fold(name), fold(short_name)):
                if key:
                    names.setdefault(key, pk)
        return names

    def rooms_of(self, residence_id: int) -> dict[str, int]:
        rooms = self.rooms.get(residence_id)
        if rooms is None:
            rooms = self.rooms[residence_id] = self._room_numbers(residence_id)
        return rooms

    @staticmethod
    def _room_numbers(residence_id: int) -> dict[str, int]:
        numbers: dict[str, int] = {}
        for pk, number in Room.objects.filter(residence_id=residence_id).values_list(
            "pk", "number"
        ):
            numbers.setdefault(fold(number), pk)
        return numbers

    def teams_of_residence(self, residence_id: int) -> dict[str, int]:
        teams = self.residence_teams.get(residence_id)
        if teams is None:
            # Only teams the actor sees: joining one is a change to that team.
            teams = self.residence_teams[residence_id] = self._team_names(
                Team.objects.visible_to(self.by).filter(
                    residence_id=residence_id, team_kind=TeamKind.RESIDENCE
                )
            )
        return teams

    def may_add_room(self, residence_id: int, path: str) -> bool:
        allowed = self.editable_residences.get(residence_id)
        if allowed is None:
            allowed = self.editable_residences[residence_id] = bool(path) and can_edit(
                self.by, path
            )
        return allowed


class _Importer:
    """Validates every row of a table, then (optionally) writes them."""

    def __init__(
        self,
        *,
        table: RosterTable,
        enterprise: Enterprise,
        by: Any,
        report: ImportReport,
        progress: ProgressCallback | None,
    ) -> None:
        self.table = table
        self.enterprise = enterprise
        self.by = by
        self.report = report
        self.progress = progress
        self.present = set(table.columns)
        self.lookups = _Lookups(enterprise, by)
        self.records: dict[int, _Record] = {}
        self.errors: dict[int, list[RowError]] = {}
        self.seen_ids: dict[str, int] = {}
        self.today = timezone.localdate()
        self._last_progress = 0.0

    # ----- helpers -------------------------------------------------------

    def header(self, name: str) -> str:
        return self.table.column_header(name) or EXPORT_HEADERS.get(name, name)

    def error(self, row: RosterRow, name: str, message: str) -> None:
        self.errors.setdefault(row.number, []).append(
            RowError(
                row=row.number,
                column=self.header(name),
                value=_shown(row.values.get(name)),
                message=message,
            )
        )

    def tick(
        self, phase: str, done: int, total: int | None, *, force: bool = False
    ) -> None:
        if self.progress is None:
            return
        now = time.monotonic()
        if force or now - self._last_progress >= 0.5:
            self._last_progress = now
            self.progress(phase, done, total)

    # ----- validation ----------------------------------------------------

    def validate(self) -> None:
        count = 0
        chunk: list[RosterRow] = []
        for row in self.table.rows:
            chunk.append(row)
            if len(chunk) >= BATCH_SIZE:
                self._validate_chunk(chunk)
                count += len(chunk)
                chunk = []
                self.tick("checking", count, None)
        if chunk:
            self._validate_chunk(chunk)
            count += len(chunk)
        self.report.rows = count
        self.tick("checking", count, count, force=True)

    def _validate_chunk(self, rows: list[RosterRow]) -> None:
        self.id_hashes = {
            digits: crypto.lookup_hash(digits)
            for row in rows
            if (digits := _id_digits(row.values.get("national_id")))
        }
        hashes = set(self.id_hashes.values())
        existing: dict[str, dict[str, Any]] = {}
        teams: dict[int, set[int]] = {}
        if hashes:
            for values in _with_hashes(Worker.objects.all(), hashes).values(
                *_EXISTING_FIELDS
            ):
                existing[values["national_id_hash"]] = values
            ids = [values["id"] for values in existing.values()]
            for worker_id, team_id in TeamMembership.objects.filter(
                worker_id__in=ids, left_on__isnull=True
            ).values_list("worker_id", "team_id"):
                teams.setdefault(worker_id, set()).add(team_id)
        for row in rows:
            self._validate_row(row, existing, teams)

    def _parse(self, row: RosterRow, name: str, parser: Callable[[object], Any]) -> Any:
        if name not in self.present:
            return KEEP
        try:
            return parser(row.values.get(name))
        except (RosterValueError, ValueError) as exc:
            self.error(row, name, str(exc))
            return None

    def _validate_row(
        self,
        row: RosterRow,
        existing_by_hash: dict[str, dict[str, Any]],
        teams: dict[int, set[int]],
    ) -> None:
        values = row.values
        failed_before = len(self.errors.get(row.number, ()))
        dob = self._parse(row, "date_of_birth", parse_date)
        sex = self._parse(row, "sex", parse_sex)
        start = self._parse(row, "employment_start", parse_date)
        parse_failed = {e.column for e in self.errors.get(row.number, ())}
        raw_id = values.get("national_id")
        digits = _id_digits(raw_id)
        id_hash = self.id_hashes.get(digits, "")
        existing = existing_by_hash.get(id_hash) if id_hash else None

        checked_values: dict[str, Any] = {
            "full_name": _text(values.get("full_name")),
            "date_of_birth": dob,
            "sex": sex,
            "national_id": _text(raw_id),
            "enterprise": self.enterprise,
        }
        if existing is not None:
            # A column missing from the file keeps the worker's value.
            for name in ("date_of_birth", "sex"):
                if checked_values[name] is KEEP:
                    checked_values[name] = existing[name]
        for name in ("date_of_birth", "sex"):
            if checked_values[name] is KEEP:
                checked_values[name] = None
        phone = KEEP
        if "phone" in self.present:
            phone = _text(values.get("phone"))
            checked_values["phone"] = phone
        checked = check_worker_values(checked_values, today=self.today)
        for name, messages in checked.errors.items():
            if self.header(name) in parse_failed:
                continue  # already said why the cell could not be read
            if name == "national_id" and _is_masked(checked_values["national_id"]):
                messages = [
                    _(
                        "This national ID is masked (the file comes from an export "
                        "without personal data) and cannot be imported."
                    )
                ]
            for message in messages:
                self.error(row, name, str(message))
        if phone is not KEEP:
            phone = checked.phone

        record = _Record()
        record.number = row.number
        record.full_name = checked.values["full_name"]
        record.date_of_birth = KEEP if dob is KEEP and existing is not None else dob
        record.sex = KEEP if sex is KEEP and existing is not None else sex
        record.national_id = checked.national_id
        record.id_hash = (
            id_hash
            if checked.national_id == digits
            else crypto.lookup_hash(checked.national_id)
        )
        record.phone = phone
        record.phone_hash = KEEP if phone is KEEP else crypto.lookup_hash(phone)
        record.employment_start = start
        record.team = None
        self._resolve_parts(row, record, existing)

        if checked.national_id:
            first = self.seen_ids.get(record.id_hash)
            if first is not None:
                message = _(
                    "The same national ID is on rows %(first)s and %(second)s."
                ) % {
                    "first": first,
                    "second": row.number,
                }
                self.errors.setdefault(first, []).append(
                    RowError(first, self.header("national_id"), _shown(raw_id), message)
                )
                self.records.pop(first, None)
                self.error(row, "national_id", message)
            else:
                self.seen_ids[record.id_hash] = row.number
        if len(self.errors.get(row.number, ())) > failed_before:
            return
        self._classify(record, existing, teams)
        self.records[row.number] = record

    def _resolve_parts(
        self, row: RosterRow, record: _Record, existing: dict[str, Any] | None
    ) -> None:
        lookups = self.lookups
        values = row.values
        present = self.present

        # Workshop: created when unknown.
        workshop: Any = KEEP
        if "workshop" in present:
            name = _text(values.get("workshop"))
            workshop = None
            if name:
                key = _fold(name)
                workshop = lookups.workshops.get(key)
                if workshop is None:
                    lookups.new_workshops.setdefault(key, name)
                    workshop = key
        record.workshop = workshop

        # Line: within its workshop, created when unknown.
        line: Any = KEEP
        if "line" in present:
            name = _text(values.get("line"))
            line = None
            if name:
                owner = workshop
                if owner is KEEP and existing is not None:
                    # The worker's workshop, if it is at this enterprise.
                    same = existing["enterprise_id"] == self.enterprise.pk
                    owner = existing["workshop_id"] if same else None
                if owner is KEEP or owner is None:
                    self.error(
                        row,
                        "line",
                        _(
                            "A production line needs its workshop: fill in the "
                            "workshop column."
                        ),
                    )
                else:
                    key = _fold(name)
                    line = (
                        lookups.lines.get((owner, key))
                        if isinstance(owner, int)
                        else None
                    )
                    if line is None:
                        lookups.new_lines.setdefault((owner, key), name)
                        line = (owner, key)
        record.line = line

        # Messages translated only on error: gettext per row is not free.
        record.shift = self._match(
            row, "shift", lookups.shifts, lambda: _("Unknown shift “%(value)s”.")
        )
        record.bus_route = self._match(
            row,
            "bus_route",
            lookups.bus_routes,
            lambda: _("Unknown bus route “%(value)s”."),
        )

        # Residence: among those the actor sees, or the worker's current one.
        residence: Any = KEEP
        if "residence" in present:
            name = _text(values.get("residence"))
            residence = None
            if name:
                key = _fold(name)
                residence = lookups.residences.get(key)
                if (
                    existing is not None
                    and existing["residence_id"]
                    and key
                    in {
                        fold(existing["residence__name"]),
                        fold(existing["residence__short_name"]),
                    }
                ):
                    residence = existing["residence_id"]
                    lookups.residence_paths.setdefault(
                        residence, existing["residence__path"]
                    )
                if residence == -1:
                    self.error(
                        row,
                        "residence",
                        _(
                            "Several residences are called “%(value)s”; ask the "
                            "commune to tell them apart."
                        )
                        % {"value": name},
                    )
                    residence = None
                elif residence is None:
                    self.error(
                        row,
                        "residence",
                        _("Unknown residence “%(value)s”.") % {"value": name},
                    )
        record.residence = residence

        # Room: within its residence, created when unknown (if allowed).
        room: Any = KEEP
        if "room" in present:
            number = _text(values.get("room"))
            room = None
            if number:
                owner = residence
                if owner is KEEP and existing is not None:
                    owner = existing["residence_id"]
                    if owner:
                        lookups.residence_paths.setdefault(
                            owner, existing["residence__path"]
                        )
                if owner is KEEP or owner is None:
                    if (
                        "residence" not in present
                        or _text(values.get("residence")) == ""
                    ):
                        self.error(
                            row,
                            "room",
                            _(
                                "A room needs its residence: fill in the residence "
                                "column."
                            ),
                        )
                else:
                    key = _fold(number)
                    room = lookups.rooms_of(owner).get(key)
                    if room is None:
                        if lookups.may_add_room(
                            owner, lookups.residence_paths.get(owner, "")
                        ):
                            lookups.new_rooms.setdefault((owner, key), number)
                            room = (owner, key)
                        else:
                            self.error(
                                row,
                                "room",
                                _("Unknown room “%(value)s” in this residence.")
                                % {"value": number},
                            )
        record.room = room

        # Team: one of the enterprise's, or of the worker's residence.
        if "team" in present:
            name = _text(values.get("team"))
            if name:
                key = _fold(name)
                team = lookups.teams.get(key)
                home = residence
                if home is KEEP and existing is not None:
                    home = existing["residence_id"]
                if team is None and isinstance(home, int) and home > 0:
                    team = lookups.teams_of_residence(home).get(key)
                if team is None:
                    self.error(
                        row, "team", _("Unknown team “%(value)s”.") % {"value": name}
                    )
                record.team = team

    def _match(
        self,
        row: RosterRow,
        name: str,
        names: dict[str, int],
        message: Callable[[], str],
    ) -> Any:
        if name not in self.present:
            return KEEP
        text = _text(row.values.get(name))
        if not text:
            return None
        found = names.get(_fold(text))
        if found is None:
            self.error(row, name, message() % {"value": text})
        return found

    def _classify(
        self,
        record: _Record,
        existing: dict[str, Any] | None,
        teams: dict[int, set[int]],
    ) -> None:
        if existing is None:
            record.kind = "new"
            record.fields = []
            return
        changed: list[str] = []
        comparisons = (
            ("full_name", record.full_name, existing["full_name"]),
            ("date_of_birth", record.date_of_birth, existing["date_of_birth"]),
            ("sex", record.sex, existing["sex"]),
            ("phone", record.phone_hash, existing["phone_hash"]),
            ("workshop", record.workshop, existing["workshop_id"]),
            ("line", record.line, existing["line_id"]),
            ("shift", record.shift, existing["shift_id"]),
            ("residence", record.residence, existing["residence_id"]),
            ("room", record.room, existing["room_id"]),
            ("bus_route", record.bus_route, existing["bus_route_id"]),
            ("employment_start", record.employment_start, existing["employment_start"]),
        )
        for name, new, old in comparisons:
            if new is not KEEP and new != old:
                changed.append(self.header(name))
        if record.team is not None and record.team not in teams.get(existing["id"], ()):
            changed.append(self.header("team"))
        if existing["enterprise_id"] != self.enterprise.pk:
            record.kind = "hired"
        else:
            record.kind = "changed" if changed else "same"
        record.fields = changed

    # ----- results -------------------------------------------------------

    def summarise(self) -> None:
        report = self.report
        report.invalid_rows = sorted(self.errors)
        report.invalid = len(report.invalid_rows)
        report.error_count = sum(len(errors) for errors in self.errors.values())
        report.errors = [
            error for number in report.invalid_rows for error in self.errors[number]
        ]
        report.errors.sort(key=lambda error: error.row)
        kinds = {"new": 0, "changed": 0, "hired": 0, "same": 0}
        changes: list[RowChange] = []
        for record in self.records.values():
            kinds[record.kind] += 1
            if record.kind != "same" and len(changes) < MAX_LISTED_CHANGES:
                changes.append(
                    RowChange(
                        record.number, record.full_name, record.kind, record.fields
                    )
                )
        report.created = kinds["new"]
        report.updated = kinds["changed"] + kinds["hired"]
        report.hired = kinds["hired"]
        report.unchanged = kinds["same"]
        report.changes = changes
        # Only parts that valid rows use are created (skipped rows create none).
        lookups = self.lookups
        used: set[Any] = set()
        for record in self.records.values():
            used.update((record.workshop, record.line, record.room))
        lookups.new_workshops = {
            k: v for k, v in lookups.new_workshops.items() if k in used
        }
        lookups.new_lines = {k: v for k, v in lookups.new_lines.items() if k in used}
        lookups.new_rooms = {k: v for k, v in lookups.new_rooms.items() if k in used}
        report.new_workshops = sorted(lookups.new_workshops.values())
        report.new_lines = sorted(lookups.new_lines.values())
        report.new_rooms = sorted(lookups.new_rooms.values())

    # ----- saving --------------------------------------------------------

    def save(self) -> None:
        """Write every valid, changing row; must run inside ``atomic()``."""
        if connection.vendor == "postgresql":
            # Only this transaction: a crash may lose it, never corrupt it.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
        writer = _Writer(self)
        writer.create_parts()
        pending = [r for r in self.records.values() if r.kind != "same"]
        total = len(pending)
        done = 0
        created = updated = hired = 0
        for start in range(0, total, BATCH_SIZE):
            chunk = pending[start : start + BATCH_SIZE]
            c, u, h = writer.write_chunk(chunk)
            created += c
            updated += u
            hired += h
            done += len(chunk)
            self.tick("saving", done, total)
        report = self.report
        # Counts from what was actually written (data may have moved on since
        # the rows were checked, in another request).
        report.unchanged += report.created + report.updated - created - updated
        report.created, report.updated, report.hired = created, updated, hired
        self.tick("saving", total, total, force=True)


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


class _Rows:
    """Inserts rows given as dicts of attname → value: ``COPY`` on PostgreSQL
    (psycopg 3), ``bulk_create`` elsewhere. Sets ``row["id"]`` when asked and
    the timestamps a database or ``auto_now`` filled in."""

    def __init__(self, model: type[Any]) -> None:
        self.model = model
        self.build = _Builder(model)
        fields = model._meta.concrete_fields
        self.columns = {f.attname: f.column for f in fields}
        self.json_fields = {
            f.attname for f in fields if f.get_internal_type() == "JSONField"
        }
        self.auto_fields = [
            f.attname
            for f in fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        ]

    def insert(self, rows: list[dict[str, Any]], *, ids: bool = False) -> None:
        if not rows:
            return
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # psycopg 3 cursors copy; with psycopg2 fall back to bulk_create.
                if hasattr(cursor.cursor, "copy"):
                    self._copy(cursor, rows, ids=ids)
                    return
        objects = [self.build(**row) for row in rows]
        self.model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
        for row, obj in zip(rows, objects, strict=True):
            row["id"] = obj.pk
            for name in self.auto_fields:
                row[name] = getattr(obj, name)

    def _copy(self, cursor: Any, rows: list[dict[str, Any]], *, ids: bool) -> None:
        meta = self.model._meta
        quote = connection.ops.quote_name
        if ids:
            # Take the ids first, so the rows can be copied with them.
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                "FROM generate_series(1, %s)",
                [meta.db_table, len(rows)],
            )
            for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
                row["id"] = pk
        names = [name for name in self.columns if ids or name != "id"]
        sql = "COPY {} ({}) FROM STDIN".format(
            quote(meta.db_table), ", ".join(quote(self.columns[n]) for n in names)
        )
        # Values in column order in one C call; JSON columns serialised after.
        values_of = operator.itemgetter(*names)
        json_at = [i for i, n in enumerate(names) if n in self.json_fields]
        # orjson: a tenth of json.dumps's time on the audit entries' changes.
        dumps = _json_text
        with cursor.cursor.copy(sql) as copy:
            write_row = copy.write_row
            if not json_at:
                for row in rows:
                    write_row(values_of(row))
                return
            for row in rows:
                values = list(values_of(row))
                for i in json_at:
                    values[i] = dumps(values[i])
                write_row(values)

    def update(self, objects: list[Any], fields: list[str]) -> None:
        """Write ``fields`` of existing ``objects``. On PostgreSQL through a
        temporary table (COPY, then one ``UPDATE ... FROM``): ``bulk_update``'s
        ``CASE WHEN id = ...`` grows with the square of the batch."""
        if not objects:
            return
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                if hasattr(cursor.cursor, "copy"):
                    self._copy_update(cursor, objects, fields)
                    return
        # SQLite and others: smaller batches keep the CASE expressions short.
        self.model.objects.bulk_update(objects, fields, batch_size=200)

    def _copy_update(self, cursor: Any, objects: list[Any], fields: list[str]) -> None:
        meta = self.model._meta
        quote = connection.ops.quote_name
        attnames = [meta.get_field(name).attname for name in fields]
        columns = [self.columns[a] for a in attnames]
        table = quote(meta.db_table)
        temporary = quote(f"tq_update_{meta.db_table}")
        cursor.execute(
            "CREATE TEMPORARY TABLE {} AS SELECT {} FROM {} WITH NO DATA".format(
                temporary, ", ".join(quote(c) for c in ["id", *columns]), table
            )
        )
        json_fields = self.json_fields
        with cursor.cursor.copy(
            "COPY {} ({}) FROM STDIN".format(
                temporary, ", ".join(quote(c) for c in ["id", *columns])
            )
        ) as copy:
            for obj in objects:
                copy.write_row(
                    [obj.pk]
                    + [
                        json.dumps(getattr(obj, a))
                        if a in json_fields
                        else getattr(obj, a)
                        for a in attnames
                    ]
                )
        cursor.execute(
            "UPDATE {table} SET {sets} FROM {tmp} WHERE {table}.id = {tmp}.id".format(
                table=table,
                tmp=temporary,
                sets=", ".join(f"{quote(c)} = {temporary}.{quote(c)}" for c in columns),
            )
        )
        cursor.execute(f"DROP TABLE {temporary}")


class _Writer:
    """The save step: bulk writes for one import."""

    def __init__(self, importer: _Importer) -> None:
        self.importer = importer
        self.enterprise = importer.enterprise
        self.lookups = importer.lookups
        self.now = timezone.now()
        self.today = timezone.localdate()
        actor = current_actor()
        user = actor.user
        self.audit_user_id = getattr(user, "pk", None)
        self.audit_username = getattr(user, "username", "") or ""
        self.address = actor.address
        self.via = actor.via
        self.workshop_ids: dict[str, int] = {}
        self.line_ids: dict[tuple[Any, str], int] = {}
        self.room_ids: dict[tuple[int, str], int] = {}
        self.residence_paths = importer.lookups.residence_paths
        self.workers = _Rows(Worker)
        self.employments = _Rows(Employment)
        self.entries = _Rows(AuditEntry)
        self.memberships = _Rows(TeamMembership)
        # A new worker's row starts from the model's defaults and what every
        # new worker of this import shares.
        self.worker_defaults: dict[str, Any] = {
            f.attname: f.get_default() for f in Worker._meta.concrete_fields
        }
        self.worker_defaults.update(
            date_of_birth=None,
            sex=None,
            enterprise_id=self.enterprise.pk,
            employment_status=EmploymentStatus.ACTIVE,
            created_at=self.now,
            updated_at=self.now,
        )
        # What audit.snapshot() keeps and audit.diff() compares, in order.
        self.snapshot_fields = [
            (f.name, f.attname)
            for f in Worker._meta.concrete_fields
            if f.name not in audit.SECRET_FIELDS
            and not f.name.endswith("_hash")
            and f.name not in ("updated_at", "name_folded")
        ]
        self.snapshot_names = [name for name, _attname in self.snapshot_fields]
        self.snapshot_values = operator.itemgetter(
            *(attname for _name, attname in self.snapshot_fields)
        )
        # Dates and times, which audit.snapshot() keeps as ISO text.
        self.temporal_at = [
            index
            for index, name in enumerate(self.snapshot_names)
            if isinstance(Worker._meta.get_field(name), models.DateField)
        ]

    def create_parts(self) -> None:
        """Unknown workshops, lines and rooms named in the file (audited)."""
        for key, name in self.lookups.new_workshops.items():
            workshop = Workshop.objects.create(enterprise=self.enterprise, name=name)
            self.workshop_ids[key] = workshop.pk
            audit.record(
                AuditAction.CREATE,
                workshop,
                changes=audit.diff({}, audit.snapshot(workshop)),
                scope_path=self.enterprise.path,
            )
        for (owner, key), name in self.lookups.new_lines.items():
            workshop_id = owner if isinstance(owner, int) else self.workshop_ids[owner]
            line = Line.objects.create(workshop_id=workshop_id, name=name)
            self.line_ids[(owner, key)] = line.pk
            audit.record(
                AuditAction.CREATE,
                line,
                changes=audit.diff({}, audit.snapshot(line)),
                scope_path=self.enterprise.path,
            )
        for (residence_id, key), number in self.lookups.new_rooms.items():
            room = Room.objects.create(residence_id=residence_id, number=number)
            self.room_ids[(residence_id, key)] = room.pk
            audit.record(
                AuditAction.CREATE,
                room,
                changes=audit.diff({}, audit.snapshot(room)),
                scope_path=self.residence_paths.get(residence_id, ""),
            )

    def _part(self, value: Any, ids: dict[Any, int]) -> Any:
        if value is KEEP or value is None or isinstance(value, int):
            return value
        return ids[value]

    def _parts(self, record: _Record) -> tuple[tuple[str, Any], ...]:
        return (
            ("workshop_id", self._part(record.workshop, self.workshop_ids)),
            ("line_id", self._part(record.line, self.line_ids)),
            ("shift_id", record.shift),
            ("residence_id", record.residence),
            ("room_id", self._part(record.room, self.room_ids)),
            ("bus_route_id", record.bus_route),
            ("employment_start", record.employment_start),
        )

    def _apply(self, worker: Worker, record: _Record) -> None:
        """Set the record's values on ``worker`` (KEEP leaves a field alone)."""
        worker.full_name = record.full_name
        worker.name_folded = fold(record.full_name)
        if record.date_of_birth is not KEEP:
            worker.date_of_birth = record.date_of_birth
        if record.sex is not KEEP:
            worker.sex = record.sex
        if record.phone is not KEEP and record.phone_hash != worker.phone_hash:
            # What the ``phone`` property does, with the hash already known.
            worker.phone_enc = crypto.encrypt(record.phone) if record.phone else ""
            worker.phone_hash = record.phone_hash
            worker.phone_tail = record.phone[-4:]
        for attname, value in self._parts(record):
            if value is not KEEP:
                setattr(worker, attname, value)

    def _new_worker_row(self, record: _Record) -> dict[str, Any]:
        national_id = record.national_id
        phone = "" if record.phone is KEEP else record.phone
        row = self.worker_defaults.copy()
        row["full_name"] = record.full_name
        row["name_folded"] = fold(record.full_name)
        if record.date_of_birth is not KEEP:
            row["date_of_birth"] = record.date_of_birth
        if record.sex is not KEEP:
            row["sex"] = record.sex
        # What the ``national_id``/``phone`` properties do, hashes known.
        row["national_id_enc"] = crypto.encrypt(national_id)
        row["national_id_hash"] = record.id_hash
        row["national_id_tail"] = national_id[-4:]
        row["phone_enc"] = crypto.encrypt(phone) if phone else ""
        row["phone_hash"] = record.phone_hash if phone else ""
        row["phone_tail"] = phone[-4:]
        for attname, value in self._parts(record):
            if value is not KEEP:
                row[attname] = value
        return row

    def _created_changes(self, row: dict[str, Any]) -> dict[str, Any]:
        """``audit.diff({}, audit.snapshot(worker))`` from the inserted row."""
        values = list(self.snapshot_values(row))
        for index in self.temporal_at:
            if values[index] is not None:
                values[index] = values[index].isoformat()
        return {
            name: [None, value]
            for name, value in zip(self.snapshot_names, values, strict=True)
            if value is not None
        }

    def _entry(
        self, action: str, worker_id: int, name: str, changes: dict[str, Any]
    ) -> dict[str, Any]:
        # What audit.record() writes for a worker.
        return {
            "id": None,
            "at": self.now,
            "user_id": self.audit_user_id,
            "username": self.audit_username,
            "action": action,
            "object_type": Worker._meta.label_lower,
            "object_id": str(worker_id),
            "object_repr": name[:200],
            "changes": changes,
            "address": self.address,
            "via": self.via,
            "scope_path": self.enterprise.path,
        }

    def _membership(self, worker_id: int, team_id: int) -> dict[str, Any]:
        return {
            "id": None,
            "team_id": team_id,
            "worker_id": worker_id,
            "role": MembershipRole.MEMBER,
            "joined_on": self.today,
            "left_on": None,
        }

    def _employment(self, **values: Any) -> dict[str, Any]:
        row = {
            "id": None,
            "worker_id": None,
            "enterprise_id": self.enterprise.pk,
            "started_on": None,
            "ended_on": None,
            "status": EmploymentStatus.ACTIVE,
            "created_at": self.now,
        }
        row.update(values)
        return row

    def write_chunk(self, chunk: list[_Record]) -> tuple[int, int, int]:
        enterprise_id = self.enterprise.pk
        existing = {
            worker.national_id_hash: worker
            for worker in _with_hashes(
                Worker.objects.all(), [record.id_hash for record in chunk]
            )
        }
        memberships: dict[tuple[int, int], TeamMembership] = {}
        if existing:
            for membership in TeamMembership.objects.filter(
                worker_id__in=[w.pk for w in existing.values()],
                team_id__in={r.team for r in chunk if r.team is not None},
            ):
                memberships[(membership.worker_id, membership.team_id)] = membership

        new_records: list[_Record] = []
        changed: list[tuple[Worker, dict[str, Any], int | None]] = []
        entries: list[dict[str, Any]] = []
        joins: list[dict[str, Any]] = []
        rejoins: list[TeamMembership] = []
        for record in chunk:
            worker = existing.get(record.id_hash)
            if worker is None:
                new_records.append(record)
                continue
            before = audit.snapshot(worker)
            old_enterprise = worker.enterprise_id
            self._apply(worker, record)
            if old_enterprise != enterprise_id:
                # Hired from elsewhere: parts of the old enterprise do not apply.
                worker.enterprise = self.enterprise
                worker.employment_status = EmploymentStatus.ACTIVE
                worker.employment_end = None
                for name in ("workshop", "line", "shift", "bus_route"):
                    if getattr(record, name) is KEEP:
                        setattr(worker, f"{name}_id", None)
                if record.employment_start is KEEP:
                    worker.employment_start = None
            changes = audit.diff(before, audit.snapshot(worker))
            if record.team is not None:
                membership = memberships.get((worker.pk, record.team))
                if membership is None or membership.left_on is not None:
                    changes["team"] = [None, record.team]
                    if membership is None:
                        joins.append(self._membership(worker.pk, record.team))
                    else:
                        membership.left_on = None
                        rejoins.append(membership)
            if changes:
                worker.updated_at = self.now
                changed.append((worker, changes, old_enterprise))

        # New workers, their employment, teams and audit entries.
        rows = [self._new_worker_row(record) for record in new_records]
        self.workers.insert(rows, ids=True)
        employments = []
        for row, record in zip(rows, new_records, strict=True):
            worker_id = row["id"]
            employments.append(
                self._employment(
                    worker_id=worker_id, started_on=row["employment_start"]
                )
            )
            changes = self._created_changes(row)
            if record.team is not None:
                joins.append(self._membership(worker_id, record.team))
                changes["team"] = [None, record.team]
            entries.append(
                self._entry(AuditAction.CREATE, worker_id, row["full_name"], changes)
            )
        self.employments.insert(employments)

        hired = 0
        if changed:
            self.workers.update([w for w, _c, _e in changed], list(_WRITTEN_FIELDS))
            hired = self._employments(changed)
            for worker, changes, _old in changed:
                entries.append(
                    self._entry(AuditAction.UPDATE, worker.pk, str(worker), changes)
                )
        self.memberships.insert(joins)
        if rejoins:
            self.memberships.update(rejoins, ["left_on"])
        self.entries.insert(entries)
        return len(new_records), len(changed), hired

    def _employments(
        self, changed: list[tuple[Worker, dict[str, Any], int | None]]
    ) -> int:
        """Employment history, as ``save_worker`` keeps it: a hire closes the old
        employment and opens one here; otherwise the current one follows."""
        enterprise_id = self.enterprise.pk
        hires = {w.pk: (w, old) for w, _c, old in changed if old != enterprise_id}
        stays = {w.pk: w for w, _c, old in changed if old == enterprise_id}
        to_update: list[Employment] = []
        to_create: list[dict[str, Any]] = []
        if hires:
            for employment in Employment.objects.filter(
                worker_id__in=list(hires), ended_on__isnull=True
            ).exclude(enterprise_id=enterprise_id):
                worker, old = hires[employment.worker_id]
                if employment.enterprise_id != old:
                    continue
                employment.ended_on = worker.employment_start or self.today
                employment.status = EmploymentStatus.LEFT
                to_update.append(employment)
            for worker, _old in hires.values():
                to_create.append(
                    self._employment(
                        worker_id=worker.pk, started_on=worker.employment_start
                    )
                )
        if stays:
            current: dict[int, Employment] = {}
            for employment in Employment.objects.filter(
                worker_id__in=list(stays), enterprise_id=enterprise_id
            ):
                current.setdefault(employment.worker_id, employment)  # model ordering
            for worker_id, worker in stays.items():
                employment = current.get(worker_id)
                if employment is None:
                    to_create.append(
                        self._employment(
                            worker_id=worker_id,
                            started_on=worker.employment_start,
                            ended_on=worker.employment_end,
                            status=worker.employment_status,
                        )
                    )
                elif (
                    employment.status != worker.employment_status
                    or employment.started_on != worker.employment_start
                    or employment.ended_on != worker.employment_end
                ):
                    employment.status = worker.employment_status
                    employment.started_on = worker.employment_start
                    employment.ended_on = worker.employment_end
                    to_update.append(employment)
        if to_update:
            self.employments.update(to_update, ["status", "started_on", "ended_on"])
        self.employments.insert(to_create)
        return len(hires)


# --------------------------------------------------------------------------
# The service
# --------------------------------------------------------------------------


def import_workers(
    *,
    source: IO[bytes] | bytes | str | Path,
    filename: str,
    enterprise: Enterprise,
    by: Any,
    dry_run: bool = False,
    skip_invalid: bool = False,
    progress: ProgressCallback | None = None,
) -> ImportReport:
    """Import a roster file into ``enterprise`` as ``by``.

    Validates every row (``check_worker_values`` plus name lookups), then,
    unless ``dry_run`` or (without ``skip_invalid``) any row is invalid,
    writes everything in one transaction with one audit entry per created or
    changed worker and one IMPORT entry for the file. Returns the report;
    row errors are in it, not raised. Raises ``PermissionDenied`` when ``by``
    may not edit the enterprise and ``ValidationError`` when the file cannot
    be read as a roster. ``progress(phase, done, total)`` is called now and
    then with phase "checking" or "saving".
    """
    _require_edit(by, enterprise)
    started = time.monotonic()
    report = ImportReport(
        filename=Path(filename).name,
        enterprise_id=enterprise.pk,
        enterprise_name=str(enterprise),
        dry_run=dry_run,
        skip_invalid=skip_invalid,
    )
    try:
        table = read_roster(source, filename)
    except RosterFileError as exc:
        raise ValidationError(str(exc), code=exc.code) from exc
    with gc_paused():
        _validate_and_save(table, report, enterprise, by, progress, dry_run)
    report.seconds = round(time.monotonic() - started, 2)
    return report


def _validate_and_save(
    table: RosterTable,
    report: ImportReport,
    enterprise: Enterprise,
    by: Any,
    progress: ProgressCallback | None,
    dry_run: bool,
) -> None:
    """Check every row, then write them all in one transaction (see
    :func:`import_workers`)."""
    with table:
        report.columns = [table.headers[i] for i in table.columns.values()]
        report.unknown_headers = list(table.unknown_headers)
        importer = _Importer(
            table=table, enterprise=enterprise, by=by, report=report, progress=progress
        )
        try:
            importer.validate()
        except RosterFileError as exc:
            raise ValidationError(str(exc), code=exc.code) from exc
    importer.summarise()
    if not dry_run and report.can_import and (report.changed or report.new_parts):
        try:
            with transaction.atomic():
                importer.save()
                if report.changed or report.new_parts:
                    _record_import(report, enterprise)
        except IntegrityError as exc:
            # Someone registered one of these IDs while we were checking.
            logger.warning("roster import conflicted with another change: %s", exc)
            raise ValidationError(
                _(
                    "The workers changed while the file was being imported. "
                    "Please try again."
                )
            ) from exc
        report.imported = True
    elif not dry_run and report.can_import:
        report.imported = True  # nothing to change: an idempotent re-import


def _record_import(report: ImportReport, enterprise: Enterprise) -> None:
    audit.record(
        AuditAction.IMPORT,
        enterprise,
        changes={
            "file": report.filename,
            "rows": report.rows,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
            "hired": report.hired,
            "skipped_rows": row_ranges(report.invalid_rows),
            "new_workshops": report.new_workshops,
            "new_lines": report.new_lines,
            "new_rooms": report.new_rooms,
        },
    )


def error_copy(
    *, source: IO[bytes] | bytes | str | Path, filename: str, report: ImportReport
) -> bytes:
    """The uploaded file as .xlsx with an error column (``write_error_copy``)."""
    errors = report.errors_by_row()
    try:
        table = read_roster(source, filename)
    except RosterFileError as exc:
        raise ValidationError(str(exc), code=exc.code) from exc
    with table:
        return write_error_copy(
            table.headers, ((row.raw, errors.get(row.number, [])) for row in table.rows)
        )


# --------------------------------------------------------------------------
# Jobs: the web flow (upload → check → preview → confirm → import)
# --------------------------------------------------------------------------

_JOB_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")


class JobStatus:
    CHECKING = "checking"
    CHECKED = "checked"
    IMPORTING = "importing"
    DONE = "done"
    FAILED = "failed"


@dataclass
class ImportJob:
    """One upload and its state, stored as JSON beside the uploaded file."""

    id: str
    user_id: int
    enterprise_id: int
    filename: str
    upload_name: str
    skip_invalid: bool
    language: str
    address: str
    created_at: str
    status: str = JobStatus.CHECKING
    phase: str = ""
    done: int = 0
    total: int | None = None
    preview: dict[str, Any] | None = None
    result: dict[str, Any] | None = None
    error: str = ""
    has_error_copy: bool = False

    @property
    def directory(self) -> Path:
        return jobs_root() / self.id

    @property
    def upload_path(self) -> Path:
        return self.directory / self.upload_name

    @property
    def error_copy_path(self) -> Path:
        return self.directory / "errors.xlsx"

    @property
    def finished(self) -> bool:
        return self.status in (JobStatus.CHECKED, JobStatus.DONE, JobStatus.FAILED)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))

    def preview_report(self) -> ImportReport | None:
        return ImportReport.from_dict(self.preview) if self.preview else None

    def result_report(self) -> ImportReport | None:
        return ImportReport.from_dict(self.result) if self.result else None

    def save(self) -> None:
        # Write then rename, so a reader never sees half a file.
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self.directory / f"job.{os.getpid()}.tmp"
        temporary.write_text(json.dumps(asdict(self), ensure_ascii=False, default=str))
        os.replace(temporary, self.directory / "job.json")


def jobs_root() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _purge_old_jobs() -> None:
    root = jobs_root()
    if not root.is_dir():
        return
    limit = time.time() - JOB_LIFETIME.total_seconds()
    for directory in root.iterdir():
        try:
            if directory.is_dir() and directory.stat().st_mtime < limit:
                shutil.rmtree(directory, ignore_errors=True)
        except OSError:
            continue


def start_import_job(
    *,
    upload: IO[bytes] | Iterable[bytes],
    filename: str,
    enterprise: Enterprise,
    by: Any,
    skip_invalid: bool = False,
    language: str = "",
    address: str = "",
) -> ImportJob:
    """Store an upload as a new job, ready for :func:`check_import_job`."""
    _require_edit(by, enterprise)
    _purge_old_jobs()
    suffix = Path(filename).suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ".bin"
    job = ImportJob(
        id=secrets.token_urlsafe(18),
        user_id=by.pk,
        enterprise_id=enterprise.pk,
        filename=Path(filename).name[:200],
        upload_name=f"upload{suffix}",
        skip_invalid=skip_invalid,
        language=language or settings.LANGUAGE_CODE,
        address=address,
        created_at=timezone.now().isoformat(),
    )
    job.directory.mkdir(parents=True, exist_ok=True)
    with open(job.upload_path, "wb") as out:
        chunks: Iterator[bytes]
        if hasattr(upload, "chunks"):
            chunks = upload.chunks()  # Django UploadedFile
        elif hasattr(upload, "read"):
            read = upload.read  # type: ignore[union-attr]
            chunks = iter(lambda: read(1024 * 1024), b"")
        else:
            chunks = iter(upload)  # type: ignore[arg-type]
        for chunk in chunks:
            out.write(chunk)
    job.save()
    return job


def load_import_job(job_id: str) -> ImportJob | None:
    """The job with ``job_id``, or None (callers check it belongs to the user)."""
    if not _JOB_ID.fullmatch(job_id or ""):
        return None
    path = jobs_root() / job_id / "job.json"
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return ImportJob(**data)


def user_import_job(job_id: str, *, by: Any) -> ImportJob | None:
    """The job if it is ``by``'s and they may still edit its enterprise."""
    job = load_import_job(job_id)
    if job is None or job.user_id != getattr(by, "pk", None):
        return None
    if not editable_enterprises(by).filter(pk=job.enterprise_id).exists():
        return None
    return job


def _job_progress(job: ImportJob, offset: int, scale: int) -> ProgressCallback:
    """Progress of the checking and saving phases on one 0..total scale."""

    def report(phase: str, done: int, total: int | None) -> None:
        job.phase = phase
        if phase == "saving":
            job.done = offset + (scale * done // total if total else scale)
        else:
            job.done = done
        job.save()

    return report


def _run_job(job: ImportJob, *, dry_run: bool) -> ImportReport | None:
    from tuquan.accounts.models import User

    user = User.objects.filter(pk=job.user_id, is_active=True).first()
    enterprise = Enterprise.objects.filter(pk=job.enterprise_id).first()
    if user is None or enterprise is None:
        job.status, job.error = (
            JobStatus.FAILED,
            _("This import is no longer possible."),
        )
        job.save()
        return None
    rows = job.preview["rows"] if job.preview else None
    # Checking counts rows; saving is shown on top when the row count is known.
    job.total = rows * 2 if (rows and not dry_run) else rows
    job.done = 0
    job.save()
    try:
        # A Celery worker has no request: say who acts, from where, in which
        # language the row errors are written.
        with (
            translation.override(job.language),
            acting_as(user, address=job.address, via="web"),
        ):
            report = import_workers(
                source=job.upload_path,
                filename=job.filename,
                enterprise=enterprise,
                by=user,
                dry_run=dry_run,
                skip_invalid=job.skip_invalid,
                progress=_job_progress(job, rows or 0, rows or 0),
            )
    except (ValidationError, PermissionDenied) as exc:
        job.status = JobStatus.FAILED
        job.error = " ".join(getattr(exc, "messages", [str(exc)]))
        job.save()
        return None
    except Exception:
        logger.exception("roster import job %s failed", job.id)
        job.status = JobStatus.FAILED
        job.error = _("The import failed unexpectedly. Nothing was changed.")
        job.save()
        return None
    return report


def check_import_job(job_id: str) -> ImportJob | None:
    """Validate a job's file without writing (the preview). Task body."""
    job = load_import_job(job_id)
    if job is None or job.status != JobStatus.CHECKING:
        return job
    report = _run_job(job, dry_run=True)
    if report is None:
        return job
    if report.invalid:
        try:
            job.error_copy_path.write_bytes(
                error_copy(source=job.upload_path, filename=job.filename, report=report)
            )
            job.has_error_copy = True
        except (ValidationError, OSError):
            logger.exception("error copy for job %s failed", job.id)
    job.preview = report.to_dict(max_errors=MAX_STORED_ERRORS)
    job.status = JobStatus.CHECKED
    job.total = job.done = report.rows
    job.save()
    return job


def confirm_import_job(job: ImportJob, *, by: Any) -> ImportJob:
    """Mark a checked job for importing; the caller then runs :func:`run_import_job`."""
    report = job.preview_report()
    if job.status != JobStatus.CHECKED or report is None:
        raise ValidationError(
            _("This file has already been imported or is still being checked.")
        )
    if not report.can_import:
        raise ValidationError(
            _("The file has invalid rows; correct them or choose to skip invalid rows.")
        )
    enterprise = Enterprise.objects.get(pk=job.enterprise_id)
    _require_edit(by, enterprise)
    job.status = JobStatus.IMPORTING
    job.phase, job.done = "", 0
    job.save()
    return job


def run_import_job(job_id: str) -> ImportJob | None:
    """Import a confirmed job's file for real. Task body."""
    job = load_import_job(job_id)
    if job is None or job.status != JobStatus.IMPORTING:
        return job
    report = _run_job(job, dry_run=False)
    if report is None:
        return job
    job.result = report.to_dict(max_errors=MAX_STORED_ERRORS)
    job.status = JobStatus.DONE if report.imported else JobStatus.FAILED
    if not report.imported:
        job.error = _("The file has invalid rows; nothing was imported.")
    job.total = job.done = max(job.total or 0, 1)
    job.save()
    return job


__all__ = [
    "KEEP",
    "ImportJob",
    "ImportReport",
    "JobStatus",
    "RowChange",
    "RowError",
    "SystemActor",
    "check_import_job",
    "confirm_import_job",
    "editable_enterprises",
    "error_copy",
    "import_workers",
    "load_import_job",
    "row_ranges",
    "run_import_job",
    "start_import_job",
    "user_import_job",
]
