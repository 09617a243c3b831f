"""The map: zones and enterprises as markers coloured by epidemic level or risk
group, drawn as server SVG without tiles.

Where zones carry latitude and longitude, markers sit at their Web Mercator
position; a zone without coordinates sits near the other zones of its commune.
Enterprises carry no coordinates: they ring their zone (or their commune's
point). With no coordinates at all the layout comes from the tree: communes on a
grid in tree order, zones around their commune, enterprises around their zone.
The frame is a plain rectangle: no shipped package carries province outlines.
Background tiles are drawn under geographic layouts when the setting
``TUQUAN_MAP_TILES`` holds a tile URL template (``.../{z}/{x}/{y}.png``).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from tuquan.organisations.choices import ADMIN_KINDS, OrgKind
from tuquan.organisations.models import Enterprise, Organisation, Zone
from tuquan.reports.models import EnterpriseDay, NodeDay

WIDTH, HEIGHT, MARGIN = 600, 600, 40
MAX_ENTERPRISES = 600
LEVEL_COLOURS = {1: "#2e9e44", 2: "#f1c40f", 3: "#e67e22", 4: "#c0392b"}
BAND_ORDER = ["very_low", "low", "medium", "high", "very_high"]
BAND_COLOURS = {
    "very_low": "#2e9e44",
    "low": "#8bc34a",
    "medium": "#f1c40f",
    "high": "#e67e22",
    "very_high": "#c0392b",
}
NO_DATA = "#9e9e9e"


@dataclass
class Marker:
    pk: int
    name: str
    kind: str
    x: float = 0.0
    y: float = 0.0
    colour: str = NO_DATA
    workers: int = 0
    isolated: int = 0
    level: int | None = None
    band: str = ""
    geo: tuple[float, float] | None = None
    parent_key: int | None = None


@dataclass
class MapDrawing:
    svg: SafeString
    markers: list[Marker]
    legend: list[tuple[str, str]]
    geographic: bool
    tiles: bool
    day_has_data: bool
    notes: list[str] = field(default_factory=list)


def _mercator(lat: float, lon: float) -> tuple[float, float]:
    x = (lon + 180) / 360
    y = (
        1
        - math.log(math.tan(math.radians(lat)) + 1 / math.cos(math.radians(lat)))
        / math.pi
    ) / 2
    return x, y


def _ring(
    cx: float, cy: float, index: int, count: int, radius: float
) -> tuple[float, float]:
    angle = 2 * math.pi * index / max(count, 1)
    return cx + radius * math.cos(angle), cy + radius * math.sin(angle)


def build(*, scope: Organisation, day: dt.date, colour_by: str = "level") -> MapDrawing:
    """Markers for the zones and enterprises under ``scope`` on ``day``."""
    prefix = scope.path
    zones = list(
        Zone.objects.filter(path__startswith=prefix)
        .order_by("path")
        .values_list("pk", "name", "short_name", "commune_id", "latitude", "longitude")
    )
    ents = list(
        Enterprise.objects.filter(path__startswith=prefix)
        .order_by("path")
        .values_list("pk", "name", "short_name", "zone_id", "commune_id")[
            :MAX_ENTERPRISES
        ]
    )
    communes = list(
        Organisation.objects.filter(
            path__startswith=prefix,
            kind__in=[k for k in ADMIN_KINDS if k != OrgKind.PROVINCE],
        )
        .order_by("path")
        .values_list("pk", "name")
    )
    rows = {
        r["enterprise_id"]: r
        for r in EnterpriseDay.objects.filter(path__startswith=prefix, day=day).values(
            "enterprise_id",
            "workers_registered",
            "in_isolation",
            "in_quarantine",
            "risk_band",
        )
    }
    levels = dict(
        NodeDay.objects.filter(
            path__startswith=prefix, day=day, epidemic_level__isnull=False
        )
        .values_list("organisation_id")
        .annotate(level=Max("epidemic_level"))
    )
    if not levels and scope.pk:
        # A commune or zone without its own level takes its nearest ancestor's.
        own = NodeDay.objects.filter(
            organisation_id__in=[a.pk for a in scope.ancestors()], day=day
        ).aggregate(level=Max("epidemic_level"))["level"]
        inherited = own
    else:
        inherited = None

    zone_markers: dict[int, Marker] = {}
    for pk, name, short, commune_id, lat, lon in zones:
        marker = Marker(pk=pk, name=short or name, kind="zone", parent_key=commune_id)
        if lat is not None and lon is not None:
            marker.geo = _mercator(float(lat), float(lon))
        marker.level = levels.get(pk) or levels.get(commune_id) or inherited
        zone_markers[pk] = marker
    ent_markers: list[Marker] = []
    for pk, name, short, zone_id, commune_id in ents:
        row = rows.get(pk, {})
        marker = Marker(
            pk=pk,
            name=short or name,
            kind="enterprise",
            workers=row.get("workers_registered", 0),
            isolated=row.get("in_isolation", 0) + row.get("in_quarantine", 0),
            band=row.get("risk_band", ""),
            parent_key=zone_id or -(commune_id or 0),
        )
        zone = zone_markers.get(zone_id) if zone_id else None
        marker.level = (zone.level if zone else levels.get(commune_id)) or inherited
        if zone is not None:
            zone.workers += marker.workers
            zone.isolated += marker.isolated
            if marker.band and (
                not zone.band
                or BAND_ORDER.index(marker.band) > BAND_ORDER.index(zone.band)
            ):
                zone.band = marker.band
        ent_markers.append(marker)

    geographic = any(m.geo for m in zone_markers.values())
    commune_points = _layout(zone_markers, communes, geographic)
    # Enterprises ring their zone, or their commune's point when outside zones.
    by_parent: dict[int | None, list[Marker]] = {}
    for marker in ent_markers:
        by_parent.setdefault(marker.parent_key, []).append(marker)
    for key, group in by_parent.items():
        if key is not None and key > 0 and key in zone_markers:
            cx, cy = zone_markers[key].x, zone_markers[key].y
        else:
            cx, cy = commune_points.get(-(key or 0), (WIDTH / 2, HEIGHT / 2))
        radius = 18 + 2 * min(len(group), 20)
        for index, marker in enumerate(group):
            marker.x, marker.y = _ring(cx, cy, index, len(group), radius)

    markers = [*zone_markers.values(), *ent_markers]
    for marker in markers:
        if colour_by == "risk":
            marker.colour = BAND_COLOURS.get(marker.band, NO_DATA)
        else:
            marker.colour = LEVEL_COLOURS.get(marker.level or 0, NO_DATA)
    tiles_url = getattr(settings, "TUQUAN_MAP_TILES", "") if geographic else ""
    legend = _legend(colour_by)
    svg = _svg(scope, markers, tiles_url, zone_markers)
    return MapDrawing(
        svg=svg,
        markers=markers,
        legend=legend,
        geographic=geographic,
        tiles=bool(tiles_url),
        day_has_data=bool(rows),
    )


def _layout(
    zones: dict[int, Marker], communes: list[tuple[int, str]], geographic: bool
) -> dict[int, tuple[float, float]]:
    """Place zone markers; return each commune's point."""
    inner = WIDTH - 2 * MARGIN
    points: dict[int, tuple[float, float]] = {}
    if geographic:
        geo = [m.geo for m in zones.values() if m.geo]
        xs, ys = [g[0] for g in geo], [g[1] for g in geo]
        span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1e-4
        x0 = (min(xs) + max(xs)) / 2 - span / 2
        y0 = (min(ys) + max(ys)) / 2 - span / 2
        for marker in zones.values():
            if marker.geo:
                marker.x = MARGIN + inner * (marker.geo[0] - x0) / span
                marker.y = MARGIN + inner * (marker.geo[1] - y0) / span
        for pk, _name in communes:
            placed = [
                (m.x, m.y) for m in zones.values() if m.geo and m.parent_key == pk
            ]
            if placed:
                points[pk] = (
                    sum(p[0] for p in placed) / len(placed),
                    sum(p[1] for p in placed) / len(placed),
                )
        centre = (WIDTH / 2, HEIGHT / 2)
        loose = [m for m in zones.values() if not m.geo]
        for index, marker in enumerate(loose):
            cx, cy = points.get(marker.parent_key or 0, centre)
            marker.x, marker.y = _ring(cx, cy, index, len(loose), 40)
        return points
    cols = max(1, math.ceil(math.sqrt(len(communes) or 1)))
    cell = inner / cols
    for index, (pk, _name) in enumerate(communes):
        row, col = divmod(index, cols)
        points[pk] = (MARGIN + cell * (col + 0.5), MARGIN + cell * (row + 0.5))
    for pk, _name in communes:
        mine = [m for m in zones.values() if m.parent_key == pk]
        cx, cy = points[pk]
        for index, marker in enumerate(mine):
            if len(mine) == 1:
                marker.x, marker.y = cx, cy
            else:
                marker.x, marker.y = _ring(cx, cy, index, len(mine), cell / 4)
    for marker in zones.values():
        if marker.parent_key not in points:
            marker.x, marker.y = WIDTH / 2, HEIGHT / 2
    return points


def _legend(colour_by: str) -> list[tuple[str, str]]:
    if colour_by == "risk":
        from tuquan.riskassess.choices import Band

        return [(BAND_COLOURS[value], str(label)) for value, label in Band.choices] + [
            (NO_DATA, _("no assessment"))
        ]
    from tuquan.levels.choices import EpidemicLevel

    return [
        (LEVEL_COLOURS[value], str(label)) for value, label in EpidemicLevel.choices
    ] + [(NO_DATA, _("no level assessed"))]


def _tiles(zones: dict[int, Marker], url: str) -> list[str]:
    """Tile images under a geographic layout, at the zoom whose tiles best
    match the drawing's scale."""
    geo = [m for m in zones.values() if m.geo]
    if len(geo) < 1:
        return []
    xs = [m.geo[0] for m in geo if m.geo]
    ys = [m.geo[1] for m in geo if m.geo]
    span = max(max(xs) - min(xs), max(ys) - min(ys)) or 1e-4
    inner = WIDTH - 2 * MARGIN
    zoom = max(0, min(18, round(math.log2(inner / span / 256))))
    n = 2**zoom
    x0 = (min(xs) + max(xs)) / 2 - span / 2
    y0 = (min(ys) + max(ys)) / 2 - span / 2
    scale = inner / span
    first_x = math.floor((x0 - MARGIN / scale) * n)
    first_y = math.floor((y0 - MARGIN / scale) * n)
    last_x = math.floor((x0 + (WIDTH - MARGIN) / scale) * n)
    last_y = math.floor((y0 + (HEIGHT - MARGIN) / scale) * n)
    out = []
    for tx in range(first_x, min(last_x, first_x + 8) + 1):
        for ty in range(first_y, min(last_y, first_y + 8) + 1):
            href = url.replace("{z}", str(zoom)).replace("{x}", str(tx % n))
            href = href.replace("{y}", str(ty))
            px = MARGIN + (tx / n - x0) * scale
            py = MARGIN + (ty / n - y0) * scale
            size = scale / n
            out.append(
                f'<image href="{escape(href)}" x="{px:.1f}" y="{py:.1f}" '
                f'width="{size:.1f}" height="{size:.1f}" opacity="0.8"/>'
            )
    return out


def _svg(
    scope: Organisation,
    markers: list[Marker],
    tiles_url: str,
    zones: dict[int, Marker],
) -> SafeString:
    title = escape(str(scope))
    parts = [
        f'<svg class="map" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{title}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{title}</title>",
        f'<rect x="4" y="4" width="{WIDTH - 8}" height="{HEIGHT - 8}" class="frame"/>',
        f'<text x="12" y="24" class="frame-label">{title}</text>',
    ]
    if tiles_url:
        parts.extend(_tiles(zones, tiles_url))
    for marker in markers:
        url = reverse("dashboard", args=(marker.pk,))
        radius = 14 if marker.kind == "zone" else 7
        label = _(
            "%(name)s: %(workers)s workers, %(isolated)s in isolation or quarantine"
        ) % {
            "name": marker.name,
            "workers": marker.workers,
            "isolated": marker.isolated,
        }
        shape = (
            f'<rect x="{marker.x - radius:.1f}" y="{marker.y - radius:.1f}" '
            f'width="{2 * radius}" height="{2 * radius}" rx="4" '
            if marker.kind == "zone"
            else f'<circle cx="{marker.x:.1f}" cy="{marker.y:.1f}" r="{radius}" '
        )
        parts.append(
            f'<a href="{escape(url)}" class="marker marker-{marker.kind}" '
            f'data-unit="{marker.pk}"><title>{escape(label)}</title>'
            f'{shape}fill="{marker.colour}" stroke="#222" stroke-width="1"/>'
        )
        if marker.kind == "zone" or marker.isolated:
            count = marker.isolated if marker.kind == "enterprise" else marker.workers
            parts.append(
                f'<text x="{marker.x:.1f}" y="{marker.y + 4:.1f}" class="count" '
                f'text-anchor="middle">{count}</text>'
            )
        if marker.kind == "zone":
            parts.append(
                f'<text x="{marker.x:.1f}" y="{marker.y + radius + 12:.1f}" '
                f'class="name" text-anchor="middle">{escape(marker.name[:28])}</text>'
            )
        parts.append("</a>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # names and urls escaped above
