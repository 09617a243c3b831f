"""The catalogue of incident kinds, shipped as data (admins may edit it)."""

from django.db import migrations

from tuquan.security.kinds import KINDS, install_kinds


def add_kinds(apps, schema_editor):  # type: ignore[no-untyped-def]
    install_kinds(apps.get_model("security", "IncidentKind"))


def remove_kinds(apps, schema_editor):  # type: ignore[no-untyped-def]
    IncidentKind = apps.get_model("security", "IncidentKind")
    IncidentKind.objects.filter(code__in=[k[0] for k in KINDS]).delete()


class Migration(migrations.Migration):
    dependencies = [("security", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, remove_kinds)]
