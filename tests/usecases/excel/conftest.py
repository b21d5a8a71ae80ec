"""Every Excel test stores what it imports under a temporary media folder: a workbook's pictures become drawings'
image files (TIGON's example workbook has two)."""

import pytest


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
