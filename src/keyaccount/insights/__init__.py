"""The app side of the analytics: scores per account and day (RFM, ABC/XYZ, p_alive, CLV, health)
computed by ``keyaccount.analytics`` from the order history, key-account suggestions, churn alerts
and the portfolio dashboard.

``models``, ``queries``, ``services`` (the refresh), ``views``, ``urls``, ``api``,
``templates/insights/`` and ``tasks`` (the nightly refresh), plus ``health`` (an account's health
with the part each input plays, shown beside the number), ``templatetags`` (those parts' figures in words) and
``management`` (``kam insights refresh``). No ``forms``, ``filters`` or ``choices``: nobody edits a
score and the dashboard takes no filters; no ``admin``: scores are only ever computed.
``panels`` registers its sections of the account page (``accounts.panels``) from ``AppConfig.ready()``.
"""
