"""Tự Quản: worker self-management for security, order and epidemic prevention."""

from tuquan.celery import app as celery_app

__all__ = ["celery_app"]
