"""The search endpoint of the library pickers (static/js/pickers.js): JSON, a page at a time.

GET /library/search/<library>/?q=...&page=...&page_size=...&use_case=... answers
{"results": [{"id": pk, "text": label}], "page": n, "more": bool}: the objects of the library (actors,
information, requirements) the user may see whose ID or name holds `q` (any case). With `use_case`, only the actors
of that use case, for who may see it (a 404 otherwise). Signed-in users only: anonymous requests go to sign-in.
"""

from django.http import Http404, JsonResponse
from django.views.generic import View

from ucmr.permissions import ObjectPermissionMixin
from usecases.authoring.selectors import (
    PICKER_LIBRARIES,
    PICKER_PAGE_SIZE,
    library_label,
    library_picker_search,
)
from usecases.selectors import usecase_header_get


def _number(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


class LibrarySearchView(ObjectPermissionMixin, View):
    http_method_names = ["get"]

    def check_permissions(self) -> None:
        self.model = PICKER_LIBRARIES.get(self.kwargs["library"])
        if self.model is None:
            raise Http404("There is no such library.")
        use_case = self.request.GET.get("use_case")
        self.use_case = None
        if use_case:
            if not use_case.isdigit():
                raise Http404("There is no such use case.")
            self.use_case = usecase_header_get(user=self.request.user, pk=int(use_case))

    def get(self, request, *args, **kwargs):
        found = library_picker_search(
            user=request.user,
            model=self.model,
            query=request.GET.get("q", "")[:200],
            use_case=self.use_case,
            page=_number(request.GET.get("page"), 1),
            page_size=_number(request.GET.get("page_size"), PICKER_PAGE_SIZE),
        )
        results = [{"id": item.pk, "text": library_label(item)} for item in found.items]
        return JsonResponse({"results": results, "page": found.page, "more": found.more})
