"""Pages of the project as a whole: the home page and background jobs."""

from django.views.generic import DetailView, TemplateView

from ucmr.permissions import ObjectPermissionMixin, require
from ucmr.selectors import job_get, repository_counts
from usecases.selectors import recent_changes

RECENT_CHANGES_SHOWN = 20


class HomeView(ObjectPermissionMixin, TemplateView):
    """What the repository holds (as far as the user may see) and what changed last."""

    template_name = "ucmr/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            counts=repository_counts(user=user),
            changes=list(recent_changes(user=user, limit=RECENT_CHANGES_SHOWN)),
            **kwargs,
        )


class JobDetailView(ObjectPermissionMixin, DetailView):
    """Status, progress and result of a background job; reloads itself until the job is done."""

    template_name = "ucmr/job_detail.html"
    context_object_name = "job"

    def get_object(self, queryset=None):
        job = job_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, job)
        return job
