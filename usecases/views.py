"""Read-only pages of use cases and of the information object and common term libraries."""

from django.conf import settings
from django.http import FileResponse, Http404
from django.views.generic import DetailView
from django_filters.views import FilterView

from ucmr.permissions import ObjectPermissionMixin, require
from usecases.filters import CommonTermFilterSet, InformationObjectFilterSet, UseCaseFilterSet
from usecases.selectors import (
    common_term_list,
    drawing_image_get,
    information_object_get,
    information_object_list,
    usecase_document,
    usecase_get,
    usecase_list,
)


class UseCaseListView(ObjectPermissionMixin, FilterView):
    filterset_class = UseCaseFilterSet
    template_name = "usecases/usecase_list.html"
    context_object_name = "use_cases"

    def get_queryset(self):
        return usecase_list(user=self.request.user)

    def get_paginate_by(self, queryset) -> int:
        return settings.UCMR_PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        len(context["object_list"])  # evaluate the page here, so that rendering it runs no query
        return context


class UseCaseDetailView(ObjectPermissionMixin, DetailView):
    """The whole IEC 62559-2 template, sections 1.1 to 8."""

    template_name = "usecases/usecase_detail.html"
    context_object_name = "use_case"

    def get_object(self, queryset=None):
        use_case = usecase_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, use_case)
        return use_case

    def get_context_data(self, **kwargs):
        document = usecase_document(user=self.request.user, use_case=self.object)
        return super().get_context_data(document=document, **kwargs)


class DrawingImageView(ObjectPermissionMixin, DetailView):
    """The uploaded image of a section 2 drawing, for those who may see its use case."""

    def get_object(self, queryset=None):
        drawing = drawing_image_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, drawing.use_case)
        return drawing

    def render_to_response(self, context, **response_kwargs):
        try:
            image = self.object.image.open("rb")
        except FileNotFoundError as error:
            raise Http404("The image file of this drawing is missing.") from error
        response = FileResponse(image)
        # An uploaded SVG could carry script: never let it run in our origin.
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        return response


class InformationObjectListView(ObjectPermissionMixin, FilterView):
    filterset_class = InformationObjectFilterSet
    template_name = "usecases/information_object_list.html"
    context_object_name = "information_objects"

    def get_queryset(self):
        return information_object_list(user=self.request.user)

    def get_paginate_by(self, queryset) -> int:
        return settings.UCMR_PAGE_SIZE

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        len(context["object_list"])  # evaluate the page here, so that rendering it runs no query
        return context


class InformationObjectDetailView(ObjectPermissionMixin, DetailView):
    template_name = "usecases/information_object_detail.html"
    context_object_name = "information_object"

    def get_object(self, queryset=None):
        information_object = information_object_get(user=self.request.user, pk=self.kwargs["pk"])
        require(self.request.user, self.permission_action, information_object)
        return information_object


class CommonTermListView(ObjectPermissionMixin, FilterView):
    """Not paginated: a term's address is this page with the term's anchor."""

    filterset_class = CommonTermFilterSet
    template_name = "usecases/term_list.html"
    context_object_name = "terms"

    def get_queryset(self):
        return common_term_list(user=self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        len(context["object_list"])  # evaluate the list here, so that rendering it runs no query
        return context
