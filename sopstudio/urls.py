from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from apps.common import views as common_views

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("apps.accounts.urls")),
    path("", include("apps.diagrams.urls")),
    path("", include("apps.exports.urls")),
    path("", include("apps.assistant.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its init script from a URL instead of inline: the CSP has no
    # 'unsafe-inline' for scripts.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="swagger-ui"),
]

urlpatterns = [
    path("healthz", common_views.healthz, name="healthz"),
    path("readyz", common_views.readyz, name="readyz"),
    path("api/", include(api_patterns)),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    re_path(r"^(?!api/|static/|ws/|accounts/).*$", common_views.app_shell, name="app"),
]

# Under /api/ Django's own error pages answer in the API's JSON error shape.
handler400 = "apps.common.views.bad_request"
handler403 = "apps.common.views.permission_denied"
handler404 = "apps.common.views.not_found"
handler500 = "apps.common.views.server_error"
