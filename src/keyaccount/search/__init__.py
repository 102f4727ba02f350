"""Global search and the user's recent items: the box in the top bar (Ctrl+K, "/") and its full page.

It reads across accounts, people, deals and support tickets, so it sits in the top layer of domain
apps, above insights and planning (pyproject.toml). Every read goes through the owning app's
``queries`` with the access rule applied: a support agent finds accounts, people and tickets and
never a deal; a manager never finds a colleague's private account.

The furniture it has: ``models`` and ``choices`` (a recent item), ``queries`` (the search and the
recent list), ``services`` (recording an opened record), ``middleware`` (records the detail pages
opened, so no app's view has to), ``forms``, ``views``, ``urls``, ``templates/search/``. No ``api``
(the API has each app's own list search), no ``admin`` (recent items are their user's alone).
"""
