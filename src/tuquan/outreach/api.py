"""API of messages to workers."""

from ninja import Router

router = Router(tags=["outreach"])
