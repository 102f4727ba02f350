from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TimelineConfig(AppConfig):
    name = "keyaccount.timeline"
    label = "timeline"
    verbose_name = _("Timeline")

    def ready(self):
        from keyaccount.accounts import panels
        from keyaccount.timeline.queries import account_timeline_panel, contact_timeline_panel

        panels.register(panels.AccountPanel(key="timeline", template="timeline/_account_panel.html",
                                            context=account_timeline_panel, order=5))
        panels.register(panels.AccountPanel(key="timeline", template="timeline/_contact_panel.html",
                                            context=contact_timeline_panel, order=5, page=panels.CONTACT_PAGE))
