"""Reads of the SGAM and NIST reference tables (the same for every user)."""

from django.db.models import QuerySet

from sgam.models import Domain, NistDomain, Zone


def domain_list() -> QuerySet[Domain]:
    return Domain.objects.order_by("order")


def zone_list() -> QuerySet[Zone]:
    return Zone.objects.order_by("order")


def nist_domain_list() -> QuerySet[NistDomain]:
    return NistDomain.objects.order_by("order")
