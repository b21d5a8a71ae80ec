"""What every page's layout needs to know about access; never runs a query."""

from django.conf import settings


def access(request) -> dict[str, bool]:
    return {"public_read": settings.UCMR_PUBLIC_READ}
