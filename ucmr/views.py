"""Pages of the project as a whole: background jobs, the repository-wide change log and the change of
one's password."""

from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.views.generic import DetailView
from django_filters.views import FilterView

from ucmr.audit import record_password_change
from ucmr.filters import ChangeLogEntryFilterSet
from ucmr.jobs import job_label, job_page_context
from ucmr.permissions import ObjectPermissionMixin, may_read_change_log, require
from ucmr.selectors import change_log_list, changes_redacted, job_get, job_queue_position

CHANGE_LOG_PAGE_SIZE = 50


class JobDetailView(ObjectPermissionMixin, DetailView):
    """Status, progress and result of a background job; reloads itself until the job is done."""

    template_name = "ucmr/job_detail.html"
    context_object_name = "job"

    def get_object(self, queryset=None):
        job = job_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, job)
        return job

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["jobs_ahead"] = job_queue_position(job=self.object)
        context["job_label"] = job_label(self.object)
        context.update(job_page_context(user=self.request.user, job=self.object))  # what its kind shows
        return context


class ChangeLogView(ObjectPermissionMixin, FilterView):
    """The repository-wide audit trail, for administrators and workspace managers (a 403 for everyone else); each
    sees the changes to what they may see. Filtered by user, action, type of object and date."""

    filterset_class = ChangeLogEntryFilterSet
    template_name = "ucmr/change_log.html"
    context_object_name = "entries"
    paginate_by = CHANGE_LOG_PAGE_SIZE

    def check_permissions(self) -> None:
        if not may_read_change_log(self.request.user):
            raise PermissionDenied("The change log is for administrators and workspace managers.")

    def get_queryset(self):
        return change_log_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Evaluated here, so that rendering the page runs no query.
        context["entries"] = changes_redacted(user=self.request.user, entries=list(context["object_list"]))
        return context


class PasswordChangeView(auth_views.PasswordChangeView):
    """A user changes their own password; the change log records that they did (never the password)."""

    def form_valid(self, form):
        with transaction.atomic():
            response = super().form_valid(form)
            record_password_change(user=self.request.user, account=form.user)
        return response
