"""Contract control: contracts with their files, renewal and notice dates, and the obligations
of both sides with due dates and evidence of fulfilment.

The house furniture (``models``, ``choices``, ``forms``, ``filters``, ``queries``, ``services``,
``views``, ``urls``, ``api``, ``templates/contracts/``), with ``reminders`` (the deadlines in the
owner's reminders, alerts and calendar feed) and ``tasks`` (the worker's jobs). No ``admin``:
contracts are edited in the UI through the audited services.
``panels`` registers its sections of the account page and the brief (``accounts.panels``) from ``AppConfig.ready()``.
"""
