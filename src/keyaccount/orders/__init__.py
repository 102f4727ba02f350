"""Orders and their lines: the history every analysis of a client starts from.

The house furniture (``models``, ``forms``, ``filters``, ``queries``, ``services``, ``views``,
``urls``, ``api``, ``templates/orders/``); ``admin`` is empty on purpose: orders are edited in the UI
through the audited services. No ``choices``: the one vocabulary, ``OrderStatus``, sits in
``models``; no ``tasks`` or ``reminders``: nothing here runs on a schedule.
``panels`` registers its sections of the account page and the brief (``accounts.panels``) from ``AppConfig.ready()``.
"""
