from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ucmr import notification_views, token_views, views
from usecases.home_views import HomeView

urlpatterns = [
    path("", HomeView.as_view(), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/tokens/", token_views.ApiTokenListView.as_view(), name="api_tokens"),
    path("accounts/tokens/<int:pk>/revoke/", token_views.ApiTokenRevokeView.as_view(), name="api_token_revoke"),
    path("changes/", views.ChangeLogView.as_view(), name="change_log"),
    path("notifications/", notification_views.NotificationListView.as_view(), name="notification_list"),
    path("notifications/bell/", notification_views.NotificationBellView.as_view(), name="notification_bell"),
    path("notifications/mark/", notification_views.NotificationMarkView.as_view(), name="notification_mark"),
    path(
        "notifications/settings/", notification_views.NotificationSettingsView.as_view(), name="notification_settings"
    ),
    path("notifications/<int:pk>/", notification_views.NotificationOpenView.as_view(), name="notification_open"),
    path("jobs/<uuid:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("", include("usecases.urls")),
    path("", include("actors.urls")),
    path("", include("requirements.urls")),
    path("", include("sgam.urls")),
    path("api/", include(("ucmr.api.router", "api"))),
    path("admin/", admin.site.urls),
]
