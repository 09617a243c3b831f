"""API of rollups, dashboards and official reports."""

from ninja import Router

router = Router(tags=["reports"])
