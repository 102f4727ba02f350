from django.contrib import admin

from keyaccount.core.admin import AuditedAdmin
from keyaccount.feedback.models import FeedbackCategory, SlaPolicy


@admin.register(FeedbackCategory)
class FeedbackCategoryAdmin(AuditedAdmin):
    list_display = ["name", "position", "is_active"]
    list_editable = ["position", "is_active"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(AuditedAdmin):
    list_display = ["severity", "response_hours", "resolution_hours"]
