"""Planning: sales plans against actuals and the weighted pipeline, key-account plans with their
initiatives, and managers' weekly reports.

The house furniture (``models``, ``choices``, ``forms``, ``filters``, ``queries``, ``services``,
``views``, ``urls``, ``api``, ``templates/planning/``), with ``reminders`` (account-plan review
dates) and ``tasks`` (the worker's jobs). No ``admin``: plans and reports are edited in the UI
through the audited services.
``panels`` registers its sections of the account page and the brief (``accounts.panels``) from ``AppConfig.ready()``.
"""
