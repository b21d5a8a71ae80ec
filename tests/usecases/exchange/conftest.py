"""Helpers of the exchange tests: the example files, a fingerprint of the whole database, emptying it."""

from pathlib import Path

import pytest
from lxml import etree

from actors.models import Actor
from requirements.models import Requirement, RequirementCategory
from sgam.models import NistPlacement, SgamPlacement
from ucmr.models import ChangeLogEntry
from usecases.models import Area, BusinessCase, CommonTerm, InformationObject, UseCase, Workspace

EXAMPLES = [
    "variant-c/edf-1_BUC2-coordination-of-distributed-flexibility.xml",
    "variant-c/elering-1_aggregate-energy-data.xml",
    "variant-c/elering-5_collect-energy-data.xml",
    "variant-c/elering-14_manage-sub-meter-data.xml",
    "variant-d/offis-2_1201.xml",
]
EXAMPLE_IDS = [Path(name).stem.split("_")[0] for name in EXAMPLES]
PUBLISHED_XSD = "xsd/IEC62559-3_UC_Build08082016.xsd"


@pytest.fixture(params=EXAMPLES, ids=EXAMPLE_IDS)
def example(request, iec_dir) -> Path:
    return iec_dir / "examples" / request.param


def canonical(data: bytes) -> bytes:
    """XML in canonical form (C14N 2.0), so that two exports compare byte for byte."""
    return etree.tostring(etree.fromstring(data), method="c14n2")


def fingerprint() -> dict[str, list]:
    """Every row of every table the import writes, as values: equal fingerprints mean an unchanged database."""
    from django.apps import apps

    tables = {}
    for label in ("ucmr", "actors", "requirements", "usecases", "sgam"):
        for model in apps.get_app_config(label).get_models():
            if model.__name__ in ("Layer", "Domain", "Zone", "NistDomain"):
                continue
            tables[model._meta.label] = sorted(map(repr, model.objects.order_by("pk").values_list()))
            for field in model._meta.many_to_many:
                through = field.remote_field.through
                tables[through._meta.label] = sorted(map(repr, through.objects.values_list()))
    return tables


def empty_repository() -> None:
    """Delete everything the import writes, as if the database were new."""
    ChangeLogEntry.objects.all().delete()
    UseCase.objects.all().delete()
    SgamPlacement.objects.all().delete()
    NistPlacement.objects.all().delete()
    Actor.objects.all().delete()
    Requirement.objects.all().delete()
    RequirementCategory.objects.update(parent=None)
    RequirementCategory.objects.all().delete()
    InformationObject.objects.all().delete()
    CommonTerm.objects.all().delete()
    BusinessCase.objects.all().delete()
    Area.objects.all().delete()
    Workspace.objects.all().delete()
