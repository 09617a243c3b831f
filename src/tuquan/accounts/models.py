"""Users, their role assignments in the organisation tree, and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tuquan.accounts.choices import Role
from tuquan.organisations.choices import AgencyFunction


class User(AbstractUser):
    """A person who logs in. What they see comes from their role assignments."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    failed_logins = models.PositiveSmallIntegerField(default=0, editable=False)
    locked_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.username

    def is_locked(self) -> bool:
        return self.locked_until is not None and self.locked_until > timezone.now()

    def register_failed_login(self) -> bool:
        """Count a failure; lock the account when the limit is reached.

        Returns True when this failure locked the account.
        """
        self.failed_logins += 1
        locked = self.failed_logins >= settings.TUQUAN_LOGIN_MAX_FAILURES
        if locked:
            self.locked_until = timezone.now() + timedelta(
                minutes=settings.TUQUAN_LOGIN_LOCK_MINUTES
            )
            self.failed_logins = 0
        self.save(update_fields=["failed_logins", "locked_until"])
        return locked

    def register_successful_login(self) -> None:
        if self.failed_logins or self.locked_until:
            self.failed_logins = 0
            self.locked_until = None
            self.save(update_fields=["failed_logins", "locked_until"])


class RoleAssignment(models.Model):
    """A user holds ``role`` over ``organisation`` and everything beneath it."""

    user = models.ForeignKey(
        User,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    role = models.CharField(_("role"), max_length=24, choices=Role.choices)
    function = models.CharField(
        _("function"), max_length=20, choices=AgencyFunction.choices, blank=True
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="assignments",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organisation"], name="assignment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} – {self.organisation}"

    def scope_root(self) -> Any:
        org = self.organisation
        return org.jurisdiction if org.jurisdiction_id else org


class ApiTokenQuerySet(models.QuerySet):
    def active(self) -> ApiTokenQuerySet:
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A bearer token for machines. Only its SHA-256 is stored."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(_("prefix"), max_length=12, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def digest_of(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        """Create a token; the raw value is returned once and never stored."""
        raw = "tq_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=raw[:10], digest=cls.digest_of(raw)
        )
        return token, raw

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = timezone.now()
            self.save(update_fields=["revoked_at"])
