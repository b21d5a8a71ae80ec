"""The "API tokens" page: a signed-in user lists, creates and revokes their own personal API tokens."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import FormView

from ucmr.editing import add_service_errors
from ucmr.models import ApiToken
from ucmr.permissions import ObjectPermissionMixin
from ucmr.tokens import api_token_create, api_token_get, api_token_list, api_token_revoke

# The new key travels to the page shown after the redirect in the (server-side) session, and is removed from it
# as soon as it is shown.
NEW_KEY_SESSION_KEY = "ucmr_new_api_token_key"
MAX_EXPIRY_DAYS = 3650


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What the token is for, e.g. the script that uses it.",
    )
    expires_in_days = forms.IntegerField(
        label="Expires after (days)",
        required=False,
        min_value=1,
        max_value=MAX_EXPIRY_DAYS,
        help_text="Leave empty for a token that does not expire.",
    )


@method_decorator(never_cache, name="dispatch")
class ApiTokenListView(ObjectPermissionMixin, FormView):
    """The user's tokens and a form for a new one; right after creating one, its key, shown this once."""

    template_name = "ucmr/api_tokens.html"
    form_class = ApiTokenForm
    success_url = reverse_lazy("api_tokens")

    def form_valid(self, form):
        days = form.cleaned_data["expires_in_days"]
        try:
            token, key = api_token_create(
                user=self.request.user,
                name=form.cleaned_data["name"],
                expires=timezone.now() + timedelta(days=days) if days else None,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        self.request.session[NEW_KEY_SESSION_KEY] = key
        messages.success(self.request, f"Token '{token.name}' created.")
        return super().form_valid(form)

    def get_context_data(self, **kwargs):
        new_key = self.request.session.pop(NEW_KEY_SESSION_KEY, None)
        return super().get_context_data(
            tokens=list(api_token_list(user=self.request.user)),
            new_key=new_key,
            example_url=self.request.build_absolute_uri(reverse("api:api-root")) + "use-cases/",
            now=timezone.now(),
            **kwargs,
        )


class ApiTokenRevokeView(ObjectPermissionMixin, View):
    """Revoke one of the user's own tokens (anybody else's is a 404)."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        token = api_token_revoke(user=request.user, token=api_token_get(user=request.user, pk=pk))
        messages.success(request, f"Token '{token.name}' revoked; requests with it are refused from now on.")
        return redirect("api_tokens")
