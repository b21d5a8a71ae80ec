"""Background jobs and the repository-wide change log over the API."""

import django_filters
from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import extend_schema

from ucmr.api.serializers import ChangeLogEntrySerializer, JobSerializer
from ucmr.api.viewsets import ReadOnlyViewSet
from ucmr.filters import ChangeLogEntryFilterSet
from ucmr.models import BackgroundJob
from ucmr.permissions import may_read_change_log
from ucmr.selectors import change_log_list, changes_redacted, job_list

# A job's id as a job's address: a UUID as Python writes it. Anything else is no address (404), not a bad request.
JOB_ID_REGEX = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


class JobFilterSet(django_filters.FilterSet):
    class Meta:
        model = BackgroundJob
        fields = ["kind", "status"]


@extend_schema(tags=["jobs"])
class JobViewSet(ReadOnlyViewSet):
    """The background jobs you started (administrators: all). An import answers 202 with the address of its job."""

    selector = staticmethod(job_list)
    lookup_value_regex = JOB_ID_REGEX
    serializer_class = JobSerializer
    filterset_class = JobFilterSet
    ordering_fields = ["created", "finished", "kind", "status"]


@extend_schema(tags=["audit"])
class ChangeLogViewSet(ReadOnlyViewSet):
    """The repository-wide audit trail, for administrators and workspace managers (403 for everyone else); each
    sees the changes to what they may see."""

    selector = staticmethod(change_log_list)
    serializer_class = ChangeLogEntrySerializer
    filterset_class = ChangeLogEntryFilterSet
    ordering_fields = ["time"]

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not may_read_change_log(request.user):
            raise PermissionDenied("The change log is for administrators and workspace managers.")

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        return changes_redacted(user=self.request.user, entries=list(page)) if page is not None else None
