"""The timeline: calls, meetings, e-mails, notes and tasks on one history per account and per
person, with what reaches the manager before each of them.

The house furniture (``models``, ``choices``, ``forms``, ``queries``, ``services``, ``views``,
``urls``, ``api``, ``templates/timeline/``), with ``reminders`` (meetings, calls, tasks and birthdays
by e-mail and the bell) and ``tasks`` (the worker's jobs). The filter forms of the timeline and the
activity report sit in ``forms``, there being no ``filters`` module. More modules for what only the
timeline does: ``briefs`` (the one-page brief before a meeting), ``calendar`` (each user's iCalendar
feed), ``importers`` (call logs from the phone system), ``reports`` (punctuality and activity per
manager) and ``management`` (``kam import calls``). No ``admin``: interactions are edited in the UI
through the audited services.
``panels`` registers its sections of the account and person pages (``accounts.panels``) from ``AppConfig.ready()``.
"""
