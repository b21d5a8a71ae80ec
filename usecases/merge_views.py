"""Merging duplicates in the information object and common term libraries (the page is ucmr's, for every library)."""

from ucmr.merge_views import LibraryMergeView
from usecases.models import CommonTerm, InformationObject


class InformationObjectMergeView(LibraryMergeView):
    model = InformationObject


class CommonTermMergeView(LibraryMergeView):
    model = CommonTerm
