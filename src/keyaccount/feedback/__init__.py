"""The client's voice: complaints and suggestions followed through their loop until the client
is told what was done, surveys (NPS, CSAT), and the support desk for the product's users.

The house furniture (``models``, ``choices``, ``forms``, ``filters``, ``queries``, ``services``,
``views``, ``urls``, ``api``, ``admin``, ``templates/feedback/``), with ``reminders`` (the loop's SLA)
and ``tasks`` (the worker's jobs). ``admin`` holds what an administrator configures: the categories
and the SLA policy. Two parts have a services module of their own, for they have their own records,
mail and rules: ``surveys`` (sending, answering, the survey when a deal reaches fulfilment) and
``support`` (tickets, mail in through IMAP or the SMTP intake, replies out); ``management`` has
``kam support fetch`` and ``kam support smtpd``.
``panels`` registers its sections of the account page and the brief (``accounts.panels``) from ``AppConfig.ready()``.
"""
