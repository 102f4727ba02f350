from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from keyaccount.search import queries
from keyaccount.search.forms import SearchForm


@login_required
def search(request):
    """The search page, or (asked by HTMX from the box in the top bar) the fragment of its results:
    a few hits per kind, or the user's recent items while the box is empty."""
    fragment = bool(request.headers.get("HX-Request"))
    form = SearchForm(request.GET)
    if not form.is_valid():
        context = {"form": form, "term": "", "groups": [], "recent": [], "invalid": True, "full_page": not fragment}
        return render(request, "search/_results.html" if fragment else "search/results.html", context, status=400)
    term = form.cleaned_data["q"]
    limit = queries.BOX_HITS if fragment else queries.PAGE_HITS
    context = {"form": form, "term": term, "groups": queries.search(request.user, term, limit=limit),
               "recent": [] if term else queries.recent_items(request.user), "full_page": not fragment}
    return render(request, "search/_results.html" if fragment else "search/results.html", context)
