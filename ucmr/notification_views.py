"""The notification pages: the list (`/notifications/`), opening one (marks it read), marking read or unread, the
navbar bell's count (fetched by htmx after the page loads, so no page pays a query for it) and the e-mail settings."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import ListView, TemplateView

from ucmr.models import Notification
from ucmr.notifications import (
    notification_email_events,
    notification_email_events_set,
    notification_list,
    notification_mark,
    notification_unread_count,
)


def _local(url: str, request) -> bool:
    return url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()}, require_https=request.is_secure())


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "ucmr/notification_list.html"
    context_object_name = "notifications"
    paginate_by = settings.UCMR_PAGE_SIZE

    def get_queryset(self):
        unread = {"unread": True, "read": False}.get(self.request.GET.get("show", ""))
        return notification_list(user=self.request.user, unread=unread)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            unread_count=notification_unread_count(user=self.request.user),
            show=self.request.GET.get("show", ""),
            **kwargs,
        )


class NotificationOpenView(LoginRequiredMixin, View):
    """Follow a notification's link, marking it read."""

    def get(self, request, pk: int):
        notification = notification_list(user=request.user).filter(pk=pk).first()
        if notification is None:
            raise Http404("No such notification.")
        notification_mark(user=request.user, read=True, ids=[notification.pk])
        url = notification.url if notification.url and _local(notification.url, request) else "notification_list"
        return redirect(url)


class NotificationMarkView(LoginRequiredMixin, View):
    """Mark one notification (`id`) or all of them read (`read=on`) or unread (`read=off`)."""

    def post(self, request):
        ids = request.POST.getlist("id") or None
        if ids is not None and not all(value.isdigit() for value in ids):
            raise Http404("No such notification.")
        read = request.POST.get("read", "on") == "on"
        notification_mark(user=request.user, read=read, ids=[int(value) for value in ids] if ids else None)
        back = request.POST.get("next", "")
        return redirect(back if back and _local(back, request) else "notification_list")


class NotificationBellView(LoginRequiredMixin, TemplateView):
    """The navbar bell's count of unread notifications (an htmx fragment)."""

    template_name = "ucmr/includes/notification_bell.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(unread_count=notification_unread_count(user=self.request.user), **kwargs)


class NotificationSettingsView(LoginRequiredMixin, TemplateView):
    """Which kinds of event each user also hears of by e-mail."""

    template_name = "ucmr/notification_settings.html"

    def get_context_data(self, **kwargs):
        email = notification_email_events(user=self.request.user)
        events = [(value, label, value in email) for value, label in Notification.Event.choices]
        return super().get_context_data(events=events, **kwargs)

    def post(self, request):
        chosen = [value for value in request.POST.getlist("email") if value in Notification.Event.values]
        notification_email_events_set(user=request.user, events=chosen)
        messages.success(request, "Your notification settings are saved.")
        return redirect("notification_settings")
