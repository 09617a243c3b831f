"""API of directives, tasks and progress reports."""

from ninja import Router

router = Router(tags=["directives"])
