from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "keyaccount.feedback"
    label = "feedback"
    verbose_name = _("Client feedback")

    def ready(self):
        from django.db import transaction
        from django.db.models.signals import post_save

        from keyaccount.accounts import erasure
        from keyaccount.deals.models import DealStageChange
        from keyaccount.feedback import panels, reminders, services, surveys

        panels.register()
        reminders.register()
        erasure.register(services.contact_erased)

        def deal_moved(sender, instance, created, **kwargs):
            # After the move is stored: a survey that cannot go out never undoes the move.
            if created:
                deal, stage = instance.deal, instance.to_stage
                transaction.on_commit(lambda: surveys.on_deal_stage_safely(deal, stage))

        post_save.connect(deal_moved, sender=DealStageChange, dispatch_uid="feedback-survey-on-deal-stage",
                          weak=False)
