"""The pipeline: stages a company configures, deals and tenders moving through them, and the
commercial proposals sent along the way.

The house furniture (``models``, ``choices``, ``forms``, ``filters``, ``queries``, ``services``,
``views``, ``urls``, ``api``, ``templates/deals/``), with ``reminders`` (tender deadlines) and
``tasks`` (the worker's jobs). One module more: ``documents`` renders a proposal as DOCX from an
editable Word template (the defaults in ``docx/``) and as PDF from the HTML layout, from one context.
No ``admin``: stages and proposal templates are configured in the UI (by heads of sales and
administrators) through the audited services.
``panels`` registers its sections of the account page and the brief (``accounts.panels``) from ``AppConfig.ready()``.
"""
