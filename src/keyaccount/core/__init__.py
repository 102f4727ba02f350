"""What every app shares and no app owns: users, roles and teams, the one access rule
(``access``), the audit log (``audit``), base models with the optimistic lock (``models``,
``concurrency``), errors every edge turns into a message (``errors``), notifications, API tokens and
the sign-in and profile pages. It imports no domain app.

Besides the house furniture of its own records (``models``, ``choices``, ``forms``, ``queries``,
``services``, ``views``, ``urls``, ``admin``, ``tasks``), it holds the shared machinery the other
apps' furniture is built from: ``generic`` (the list, form, delete and history views),
``editing`` (helpers services share: ``require``, ``get_or_404``, validation), ``api`` (schemas,
error handlers and authentication of the REST API), ``exports``, ``documents`` (PDF),
``sandbox`` (user templates rendered in Jinja's sandbox), ``uploads``, ``throttle``, ``search``,
``money``, ``phones``, ``identifiers``, ``redaction``, ``calendar_bounds``, ``schema_limits``,
``bulk`` (COPY and batched inserts for importers), ``cache`` (the database cache rate limits count
in), ``backup`` (``kam backup`` and ``kam restore``), ``server`` (gunicorn behind ``kam serve``),
``checks`` (system checks of hand-written settings), ``notifications_api`` (the bell's REST API) and
``management`` (the project-wide commands); the middleware, context processors, template tags and
signals the project uses. No ``filters``: its lists (tokens, notifications) are not filtered.
"""
