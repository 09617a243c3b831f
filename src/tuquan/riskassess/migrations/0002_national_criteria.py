"""Ships the national criteria set of Decision 2194/QĐ-BCĐQG (see shipped.py)."""

from typing import Any

from django.db import migrations

from tuquan.riskassess.shipped import NATIONAL_CODE, install


def add_national_set(apps: Any, schema_editor: Any) -> None:
    install(
        apps.get_model("riskassess", "CriteriaSet"),
        apps.get_model("riskassess", "Indicator"),
        apps.get_model("riskassess", "AnswerOption"),
    )


def remove_national_set(apps: Any, schema_editor: Any) -> None:
    CriteriaSet = apps.get_model("riskassess", "CriteriaSet")
    # Only if nothing was assessed with it (PROTECT would refuse anyway).
    if not apps.get_model("riskassess", "Assessment").objects.exists():
        CriteriaSet.objects.filter(code=NATIONAL_CODE, organisation=None).delete()


class Migration(migrations.Migration):
    dependencies = [("riskassess", "0001_initial")]

    operations = [migrations.RunPython(add_national_set, remove_national_set)]
