from django.db import models
from django.utils.translation import gettext_lazy as _


class AccountStatus(models.TextChoices):
    PROSPECT = "prospect", _("Prospect")
    ONE_TIME = "one_time", _("One-time buyer")
    REPEAT = "repeat", _("Repeat customer")
    KEY = "key", _("Key account")
    LOST = "lost", _("Lost")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Micro (up to 15 people)")
    SMALL = "small", _("Small (16-100)")
    MEDIUM = "medium", _("Medium (101-250)")
    LARGE = "large", _("Large (251-1000)")
    ENTERPRISE = "enterprise", _("Enterprise (over 1000)")


class Industry(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Manufacturing")
    RETAIL = "retail", _("Retail")
    WHOLESALE = "wholesale", _("Wholesale and distribution")
    CONSTRUCTION = "construction", _("Construction")
    ENERGY = "energy", _("Energy and utilities")
    IT = "it", _("IT and telecom")
    FINANCE = "finance", _("Banking and finance")
    LOGISTICS = "logistics", _("Transport and logistics")
    HEALTHCARE = "healthcare", _("Healthcare and pharma")
    FOOD = "food", _("Food and agriculture")
    PUBLIC = "public", _("Public sector")
    EDUCATION = "education", _("Education")
    SERVICES = "services", _("Professional services")
    OTHER = "other", _("Other")


class ContactRoleKind(models.TextChoices):
    USER = "user", _("Uses our product")
    PAYER = "payer", _("Pays")
    DECISION_MAKER = "decision_maker", _("Decides")
    INFLUENCER = "influencer", _("Influences")
    CHAMPION = "champion", _("Champion")
    BLOCKER = "blocker", _("Blocker")


# The two sides of an account the page shows at a glance: the people who use the product and the
# people who pay and decide are often different, with different interests.
USING_SIDE = frozenset({ContactRoleKind.USER})
PAYING_SIDE = frozenset({ContactRoleKind.PAYER, ContactRoleKind.DECISION_MAKER})


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    MESSENGER = "messenger", _("Messenger")
    MEETING = "meeting", _("In person")


class RelationshipStrength(models.IntegerChoices):
    NONE = 0, _("No relationship yet")
    WEAK = 1, _("Weak")
    WORKING = 2, _("Working")
    GOOD = 3, _("Good")
    STRONG = 4, _("Strong")
    TRUSTED = 5, _("Trusted advisor")


class PhoneKind(models.TextChoices):
    WORK = "work", _("Work")
    MOBILE = "mobile", _("Mobile")
    OTHER = "other", _("Other")


class ConsentPurpose(models.TextChoices):
    CONTRACT = "contract", _("Performing the contract")
    MARKETING = "marketing", _("Marketing communication")
    EVENTS = "events", _("Events and VIP club")
    SURVEYS = "surveys", _("Surveys")
