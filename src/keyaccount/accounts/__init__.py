"""The client companies (Account) with their dossier and financial indicators, their people
(Contact, with roles, consents and the org chart) and competitors.

The house furniture (``models``, ``choices``, ``forms``, ``filters``, ``queries``, ``services``,
``views``, ``urls``, ``api``, ``templates/accounts/``); ``admin`` is empty on purpose: records are
edited in the UI through the audited services. Three modules more, because every other app builds on
this one and ``accounts`` may not import them: ``panels`` (the sections other apps register for the
account and person pages), ``erasure`` (erasing a person and exporting their data across every app's
models) and ``search_index`` (the per-database substring index behind account search, made after
``migrate``). No ``tasks`` or ``reminders``: nothing here runs on a schedule.
"""
