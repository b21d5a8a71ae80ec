from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from ucmr import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("changes/", views.ChangeLogView.as_view(), name="change_log"),
    path("jobs/<uuid:pk>/", views.JobDetailView.as_view(), name="job_detail"),
    path("", include("usecases.urls")),
    path("", include("actors.urls")),
    path("", include("requirements.urls")),
    path("", include("sgam.urls")),
    path("admin/", admin.site.urls),
]
