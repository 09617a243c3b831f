from django.db import migrations


def add_profiles(apps, schema_editor):  # type: ignore[no-untyped-def]
    from tuquan.health.profiles import SHIPPED

    profile = apps.get_model("health", "DiseaseProfile")
    for values in SHIPPED:
        profile.objects.update_or_create(code=values["code"], defaults=values)


def remove_profiles(apps, schema_editor):  # type: ignore[no-untyped-def]
    from tuquan.health.profiles import SHIPPED

    profile = apps.get_model("health", "DiseaseProfile")
    profile.objects.filter(code__in=[p["code"] for p in SHIPPED]).delete()


class Migration(migrations.Migration):
    dependencies = [("health", "0001_initial")]

    operations = [migrations.RunPython(add_profiles, remove_profiles)]
