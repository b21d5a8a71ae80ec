from django.urls import include, path

from ucmr.merge_views import LibraryMergeView
from usecases import comment_views, step_views, views
from usecases.exchange import views as exchange_views
from usecases.models import CommonTerm, InformationObject

app_name = "usecases"

urlpatterns = [
    path("use-cases/", views.UseCaseListView.as_view(), name="usecase_list"),
    path("use-cases/new/", views.UseCaseCreateView.as_view(), name="usecase_create"),
    path("use-cases/import/", exchange_views.ImportView.as_view(), name="import"),
    path("use-cases/import/<uuid:pk>/confirm/", exchange_views.ImportConfirmView.as_view(), name="import_confirm"),
    path("use-cases/export.xml", exchange_views.UseCaseListExportView.as_view(), name="usecase_list_export"),
    path(
        "use-cases/export.xlsx",
        exchange_views.UseCaseListExportView.as_view(export_format="xlsx"),
        name="usecase_list_export_xlsx",
    ),
    path(
        "use-cases/export.docx",
        exchange_views.UseCaseListExportView.as_view(export_format="docx"),
        name="usecase_list_export_docx",
    ),
    path("use-cases/exports/<uuid:pk>/", exchange_views.ExportDownloadView.as_view(), name="export_download"),
    path("use-cases/<int:pk>/export.xml", exchange_views.UseCaseExportView.as_view(), name="usecase_export"),
    path(
        "use-cases/<int:pk>/export.xlsx",
        exchange_views.UseCaseExportView.as_view(export_format="xlsx"),
        name="usecase_export_xlsx",
    ),
    path(
        "use-cases/<int:pk>/export.docx",
        exchange_views.UseCaseExportView.as_view(export_format="docx"),
        name="usecase_export_docx",
    ),
    path("use-cases/<int:pk>/", views.UseCaseDetailView.as_view(), name="usecase_detail"),
    path("use-cases/<int:pk>/print/", views.UseCasePrintView.as_view(), name="usecase_print"),
    path(
        "use-cases/<int:pk>/scenarios/<int:scenario>/steps/",
        step_views.ScenarioStepsView.as_view(),
        name="scenario_steps",
    ),
    path("use-cases/<int:pk>/steps/<int:step>/", step_views.StepLocateView.as_view(), name="step_locate"),
    path("use-cases/<int:pk>/edit/", views.UseCaseUpdateView.as_view(), name="usecase_update"),
    path("use-cases/<int:pk>/submit/", views.UseCaseTransitionView.as_view(transition="submit"), name="usecase_submit"),
    path(
        "use-cases/<int:pk>/approve/", views.UseCaseTransitionView.as_view(transition="approve"), name="usecase_approve"
    ),
    path(
        "use-cases/<int:pk>/send-back/",
        views.UseCaseTransitionView.as_view(transition="send_back"),
        name="usecase_send_back",
    ),
    path(
        "use-cases/<int:pk>/publish/", views.UseCaseTransitionView.as_view(transition="publish"), name="usecase_publish"
    ),
    path(
        "use-cases/<int:pk>/withdraw/",
        views.UseCaseTransitionView.as_view(transition="withdraw"),
        name="usecase_withdraw",
    ),
    path("use-cases/<int:pk>/history/", views.UseCaseHistoryView.as_view(), name="usecase_history"),
    path("use-cases/<int:pk>/comments/", comment_views.CommentCreateView.as_view(), name="comment_create"),
    path(
        "use-cases/<int:pk>/comments/<int:thread>/reply/",
        comment_views.CommentReplyView.as_view(),
        name="comment_reply",
    ),
    path(
        "use-cases/<int:pk>/comments/<int:thread>/resolve/",
        comment_views.CommentResolveView.as_view(),
        name="comment_resolve",
    ),
    path(
        "use-cases/<int:pk>/comments/<int:thread>/reopen/",
        comment_views.CommentResolveView.as_view(resolved=False),
        name="comment_reopen",
    ),
    path("use-cases/<int:pk>/watch/", comment_views.UseCaseWatchView.as_view(), name="usecase_watch"),
    path("use-cases/<int:pk>/share/", views.UseCaseShareView.as_view(), name="usecase_share"),
    path("use-cases/<int:pk>/share/revoke/", views.UseCaseUnshareView.as_view(), name="usecase_unshare"),
    path("use-cases/<int:pk>/versions/", views.UseCaseVersionListView.as_view(), name="usecase_versions"),
    path("use-cases/<int:pk>/versions/compare/", views.UseCaseVersionCompareView.as_view(), name="usecase_compare"),
    path(
        "use-cases/<int:pk>/versions/<int:sequence>/", views.UseCaseVersionDetailView.as_view(), name="usecase_version"
    ),
    path("", include("usecases.authoring.urls")),
    path("use-cases/drawings/<int:pk>/image/", views.DrawingImageView.as_view(), name="drawing_image"),
    path("my-work/", views.MyWorkView.as_view(), name="my_work"),
    path("workspaces/", views.WorkspaceListView.as_view(), name="workspace_list"),
    path("workspaces/<slug:slug>/", views.WorkspaceDetailView.as_view(), name="workspace_detail"),
    path("workspaces/<slug:slug>/members/", views.WorkspaceMemberSetView.as_view(), name="workspace_member_set"),
    path(
        "workspaces/<slug:slug>/comments/",
        comment_views.WorkspaceCommentSettingView.as_view(),
        name="workspace_comment_setting",
    ),
    path(
        "workspaces/<slug:slug>/members/<int:pk>/remove/",
        views.WorkspaceMemberRemoveView.as_view(),
        name="workspace_member_remove",
    ),
    path("information/", views.InformationObjectListView.as_view(), name="information_object_list"),
    path("information/new/", views.InformationObjectCreateView.as_view(), name="information_object_create"),
    path("information/<int:pk>/", views.InformationObjectDetailView.as_view(), name="information_object_detail"),
    path("information/<int:pk>/edit/", views.InformationObjectUpdateView.as_view(), name="information_object_update"),
    path(
        "information/<int:pk>/history/", views.InformationObjectHistoryView.as_view(), name="information_object_history"
    ),
    path(
        "information/<int:pk>/merge/",
        LibraryMergeView.as_view(model=InformationObject),
        name="information_object_merge",
    ),
    path("terms/", views.CommonTermListView.as_view(), name="term_list"),
    path("terms/new/", views.CommonTermCreateView.as_view(), name="term_create"),
    path("terms/<int:pk>/edit/", views.CommonTermUpdateView.as_view(), name="term_update"),
    path("terms/<int:pk>/history/", views.CommonTermHistoryView.as_view(), name="term_history"),
    path("terms/<int:pk>/merge/", LibraryMergeView.as_view(model=CommonTerm), name="term_merge"),
    # Generated diagrams and validation (usecases/analysis/views.py), at the paths they always had.
    path("", include("usecases.analysis.urls")),
]
