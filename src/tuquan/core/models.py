"""Infrastructure models shared by every app: the append-only audit log."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tuquan.core.scoping import ScopedQuerySet, paths_q


class AuditAction(models.TextChoices):
    CREATE = "create", _("created")
    UPDATE = "update", _("updated")
    DELETE = "delete", _("deleted")
    VIEW_PERSONAL = "view_personal", _("viewed personal data")
    EXPORT = "export", _("exported")
    IMPORT = "import", _("imported")
    LOGIN = "login", _("logged in")
    LOGIN_FAILED = "login_failed", _("failed login")
    LOCKED = "locked", _("account locked")
    TOKEN = "token", _("API token")


class AuditQuerySet(ScopedQuerySet):
    def scope_q(self, paths: list[str]) -> models.Q:
        return paths_q("scope_path", paths)

    def visible_to(self, user: Any) -> AuditQuerySet:
        # Only the province committee, auditors and superusers read the log.
        from tuquan.accounts.scoping import can_read_audit

        if not can_read_audit(user):
            return self.none()
        return super().visible_to(user)


class AuditEntry(models.Model):
    """One thing that happened: who, when, to what, which fields, from where.

    Rows are only ever inserted; ``save`` refuses updates and ``delete`` refuses
    to run, so the log cannot be edited through the application.
    """

    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    username = models.CharField(_("username"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    object_repr = models.CharField(_("object"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    address = models.CharField(_("address"), max_length=64, blank=True)
    via = models.CharField(_("channel"), max_length=10, blank=True)
    # Path of the organisation the object belongs to, so the log itself is scoped.
    scope_path = models.CharField(max_length=255, blank=True, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.action} {self.object_repr}"
        )

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise PermissionError("audit entries are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise PermissionError("audit entries are append-only")
