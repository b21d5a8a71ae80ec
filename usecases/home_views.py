"""The home page: the user's work list and what the repository holds (usecases.worklist)."""

from django.views.generic import TemplateView

from ucmr.permissions import ObjectPermissionMixin
from usecases.worklist import repository_counts, unread_comments_get, watched_change_summaries, work_list_get


class HomeView(ObjectPermissionMixin, TemplateView):
    """The user's work list (what waits for them, what others changed in their use cases) and what the repository
    holds, as far as they may see."""

    public_read = True
    template_name = "usecases/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            counts=repository_counts(user=user),
            work=work_list_get(user=user),
            unread_comments=unread_comments_get(user=user),
            summaries=watched_change_summaries(user=user),
            **kwargs,
        )
