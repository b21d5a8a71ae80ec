"""The actors API routes: (prefix, viewset, basename) for the router, plus plain urlpatterns."""

from actors.api.viewsets import ActorViewSet

routes = [("actors", ActorViewSet, "actor")]
urlpatterns = []
