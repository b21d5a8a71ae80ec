import pytest
from django.core.exceptions import ValidationError

from requirements.models import RequirementCategory
from requirements.services import (
    requirement_category_create,
    requirement_category_delete,
    requirement_category_update,
    requirement_create,
)
from ucmr.models import ChangeLogEntry

pytestmark = pytest.mark.django_db


def test_category_tree_cannot_form_a_cycle(staff_user):
    root = requirement_category_create(user=staff_user, data={"identifier": "1", "name": "Security"})
    child = requirement_category_create(user=staff_user, data={"identifier": "1.1", "name": "Access", "parent": root})
    grandchild = requirement_category_create(
        user=staff_user, data={"identifier": "1.1.1", "name": "Tokens", "parent": child}
    )
    for parent in (root, grandchild):
        with pytest.raises(ValidationError, match="cannot be inside itself"):
            requirement_category_update(user=staff_user, category=root, data={"parent": parent})
    root.refresh_from_db()
    assert root.parent is None


def test_category_needs_a_name_and_requirement_an_id_or_name(staff_user):
    with pytest.raises(ValidationError) as error:
        requirement_category_create(user=staff_user, data={"identifier": "X", "name": " "})
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError, match="needs an R-ID or a name"):
        requirement_create(user=staff_user, data={"identifier": "", "name": ""})


def test_category_holding_requirements_cannot_be_deleted(staff_user):
    category = requirement_category_create(user=staff_user, data={"identifier": "2", "name": "Performance"})
    requirement_create(user=staff_user, data={"identifier": "R-1", "name": "Latency", "category": category})
    with pytest.raises(ValidationError, match="still in use"):
        requirement_category_delete(user=staff_user, category=category)
    assert RequirementCategory.objects.filter(pk=category.pk).exists()
    assert not ChangeLogEntry.objects.filter(action="delete").exists()
