"""The products we sell.

The house furniture (``models``, ``forms``, ``filters``, ``queries``, ``services``, ``views``,
``urls``, ``api``, ``templates/catalog/``); ``admin`` is empty on purpose: products are edited in the
UI through the audited services. No ``choices`` (a product has no vocabulary of its own) and no
``tasks`` or ``reminders`` (nothing here runs on a schedule).
"""
