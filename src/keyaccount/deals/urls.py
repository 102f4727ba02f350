from django.urls import path

from keyaccount.deals import views

app_name = "deals"
urlpatterns = [
    path("", views.deal_board, name="deal_board"),
    path("list/", views.DealListView.as_view(), name="deal_list"),
    path("accounts/<int:account_pk>/new/", views.DealFormView.as_view(), name="deal_create"),
    path("<int:pk>/", views.deal_detail, name="deal_detail"),
    path("<int:pk>/edit/", views.DealFormView.as_view(), name="deal_edit"),
    path("<int:pk>/move/", views.deal_move, name="deal_move"),
    path("<int:pk>/delete/", views.DealDeleteView.as_view(), name="deal_delete"),
    path("<int:pk>/history/", views.DealHistoryView.as_view(), name="deal_history"),
    path("stages/", views.stage_list, name="stage_list"),
    path("stages/new/", views.StageFormView.as_view(), name="stage_create"),
    path("stages/<int:pk>/edit/", views.StageFormView.as_view(), name="stage_edit"),
    path("proposals/", views.ProposalListView.as_view(), name="proposal_list"),
    path("proposals/accounts/<int:account_pk>/new/", views.ProposalFormView.as_view(), name="proposal_create"),
    path("proposals/<int:pk>/", views.proposal_detail, name="proposal_detail"),
    path("proposals/<int:pk>/edit/", views.ProposalFormView.as_view(), name="proposal_edit"),
    path("proposals/<int:pk>/revise/", views.proposal_revise, name="proposal_revise"),
    path("proposals/<int:pk>/document.docx", views.proposal_docx, name="proposal_docx"),
    path("proposals/<int:pk>/document.pdf", views.proposal_pdf, name="proposal_pdf"),
    path("proposals/<int:pk>/delete/", views.ProposalDeleteView.as_view(), name="proposal_delete"),
    path("proposals/<int:pk>/history/", views.ProposalHistoryView.as_view(), name="proposal_history"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/default/<str:language>.docx", views.template_default, name="template_default"),
    path("templates/<int:pk>/delete/", views.template_delete, name="template_delete"),
]
