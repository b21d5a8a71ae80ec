from django.conf import settings
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=` and `?page_size=` (up to UCMR_API_MAX_PAGE_SIZE); the default page is UCMR_PAGE_SIZE rows."""

    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int:
        self.page_size = settings.UCMR_PAGE_SIZE
        self.max_page_size = settings.UCMR_API_MAX_PAGE_SIZE
        return super().get_page_size(request)
