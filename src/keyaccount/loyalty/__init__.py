"""Loyalty: tiers earned from the order history (or set by hand with a reason) with their perks
and history, referrals, and the VIP club's events with their invitations.

The house furniture (``models``, ``choices``, ``forms``, ``queries``, ``services``, ``views``,
``urls``, ``api``, ``templates/loyalty/``), with ``tasks`` (recomputing the tiers). No ``filters``:
the overview shows the latest changes, events and referrals, none of them filtered; no ``admin``:
tiers and events are edited in the UI through the audited services.
``panels`` registers its sections of the account page (``accounts.panels``) from ``AppConfig.ready()``.
"""
