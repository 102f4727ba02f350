"""The administration site: users and their roles, teams, API tokens, the audit log, and the settings
other apps keep there. Every change made here is audited like a service's (``AuditedAdmin``)."""

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from keyaccount.core import audit, services
from keyaccount.core.models import ApiToken, AuditEntry, Company, Team, User, WorkingDayException, WorkingTimeSettings


class AuditedAdmin(admin.ModelAdmin):
    """A model admin whose saves and deletions write the audit log (who, when, the field-level diff),
    in the admin's own transaction, as the services do for the rest of Keyaccount."""

    def save_model(self, request, obj, form, change):
        before = audit.snapshot(type(obj)._base_manager.get(pk=obj.pk)) if change else {}
        super().save_model(request, obj, form, change)
        audit.record(actor=request.user, action=audit.AuditAction.UPDATE if change else audit.AuditAction.CREATE,
                     instance=obj, before=before, after=audit.snapshot(obj))

    def delete_model(self, request, obj):
        audit.record_delete(actor=request.user, instance=obj, before=audit.snapshot(obj))
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "team", "is_active")
    list_filter = ("role", "team", "is_active")
    fieldsets = (*DjangoUserAdmin.fieldsets, ("Keyaccount", {"fields": ("role", "team", "patronymic", "language",
                                                                          "time_zone", "extension")}))

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            audit.record_update(actor=request.user, instance=self.get_object(request, unquote(id)),
                                before={"password": "(old)"}, after={"password": "(new)"})
        return response


@admin.register(Team)
class TeamAdmin(AuditedAdmin):
    list_display = ("name",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made by their owners (profile page, ``kam token``) and revoked here through the
    service, so that every revocation is audited."""

    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "revoked_at")
    list_filter = (("revoked_at", admin.EmptyFieldListFilter),)
    search_fields = ("prefix", "name", "user__username")
    readonly_fields = ("user", "name", "prefix", "key_hash", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset.select_related("user").filter(revoked_at__isnull=True):
            services.token_revoke(user=request.user, token=token)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "content_type", "object_repr")
    list_filter = ("action", "content_type")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkingTimeSettings)
class WorkingTimeSettingsAdmin(AuditedAdmin):
    """The one row of working hours (``core.working_time``): added once, never deleted."""

    list_display = ("__str__", "country", "time_zone", "day_starts", "day_ends", "lunch_starts", "lunch_ends")

    def has_add_permission(self, request):
        return super().has_add_permission(request) and not WorkingTimeSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        obj.pk = 1
        super().save_model(request, obj, form, change)


@admin.register(WorkingDayException)
class WorkingDayExceptionAdmin(AuditedAdmin):
    list_display = ("day", "is_working", "note")
    list_filter = ("is_working",)


@admin.register(Company)
class CompanyAdmin(AuditedAdmin):
    """Our company's requisites: one record, printed on proposals and every document. It can be
    added once and never deleted; each identifier and bank account is checked (``Company.clean``)."""

    fieldsets = (
        (None, {"fields": ("name", "inn", "kpp", "ogrn", "address")}),
        (_("Bank"), {"fields": ("bank_name", "bic", "settlement_account", "correspondent_account")}),
        (_("Documents"), {"fields": ("signatory", "signatory_position", "logo", "vat_rate")}),
    )

    def has_add_permission(self, request):
        return not Company.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False

    def changelist_view(self, request, extra_context=None):
        """Straight to the one record (or to adding it)."""
        from django.shortcuts import redirect

        company = Company.objects.first()
        if company is None:
            return redirect("admin:core_company_add")
        return redirect("admin:core_company_change", company.pk)
