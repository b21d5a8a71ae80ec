import os
import subprocess
import sys
from pathlib import Path

import pytest

from sgam.models import Domain, Layer, NistDomain, Zone

ROOT = Path(__file__).resolve().parents[2]


def _settings_in_subprocess(**env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "ucmr.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = _settings_in_subprocess(DJANGO_DEBUG="false")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is not set" in result.stderr


def test_starts_with_defaults_in_debug_and_with_a_key_in_production():
    assert _settings_in_subprocess(DJANGO_DEBUG="true").stdout.strip() == "True"
    assert _settings_in_subprocess(DJANGO_SECRET_KEY="k" * 50).stdout.strip() == "False"


@pytest.mark.django_db
def test_reference_data_is_present_after_migrate():
    assert list(Layer.objects.values_list("name", flat=True)) == [
        "Business",
        "Function",
        "Information",
        "Communication",
        "Component",
    ]
    assert list(Domain.objects.values_list("name", flat=True)) == [
        "Generation",
        "Transmission",
        "Distribution",
        "DER",
        "Customer Premises",
    ]
    assert list(Zone.objects.values_list("name", flat=True)) == [
        "Process",
        "Field",
        "Station",
        "Operation",
        "Enterprise",
        "Market",
    ]
    assert NistDomain.objects.count() == 7
    assert all(item.description for model in (Layer, Domain, Zone, NistDomain) for item in model.objects.all())
