"""My day: the start page of key-account managers and heads of sales. It reads across the apps
(meetings and tasks, missed calls, obligations, complaints waiting for the client to be told,
tickets near their SLA, key accounts slipping away, proposals expiring, the month's plan), each
through the owning app's queries with the access rule applied, and lets an item be done (by the
owning app's service) or snoozed in place.

``models`` (``Snooze``: an item hidden by its user until a moment), ``choices``, ``queries``,
``services``, ``views``, ``urls`` and ``templates/workspace/``; the keyboard in
``static/keyaccount/myday.js``. No ``forms`` (two fields, read in the view), ``api`` or ``admin``.
"""
