"""The threshold set of Resolution 128/NQ-CP, shipped as editable data."""

from typing import Any

from django.db import migrations


def add_thresholds(apps: Any, schema_editor: Any) -> None:
    from tuquan.levels.thresholds import install

    install(
        apps.get_model("levels", "ThresholdSet"),
        apps.get_model("levels", "LevelRule"),
        apps.get_model("health", "DiseaseProfile"),
    )


def remove_thresholds(apps: Any, schema_editor: Any) -> None:
    from tuquan.levels.thresholds import DEFAULT_SET

    apps.get_model("levels", "ThresholdSet").objects.filter(
        name=DEFAULT_SET["name"], version=DEFAULT_SET["version"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("levels", "0001_initial"),
        ("health", "0002_shipped_profiles"),
    ]

    operations = [migrations.RunPython(add_thresholds, remove_thresholds)]
