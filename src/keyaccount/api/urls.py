"""One NinjaAPI under /api/v1/ with one OpenAPI document; each app contributes its routers."""

from keyaccount import __version__
from keyaccount.accounts.api import competitors_router, contacts_router
from keyaccount.accounts.api import router as accounts_router
from keyaccount.catalog.api import router as products_router
from keyaccount.contracts.api import obligations_router
from keyaccount.contracts.api import router as contracts_router
from keyaccount.core.api import BearerTokenAuth, KeyaccountAPI, SessionAuth, install_error_handlers
from keyaccount.core.notifications_api import router as notifications_router
from keyaccount.core.throttle import api_throttles
from keyaccount.deals.api import proposals_router
from keyaccount.deals.api import router as deals_router
from keyaccount.feedback.api import router as feedback_router
from keyaccount.feedback.api import surveys_router, tickets_router
from keyaccount.insights.api import router as insights_router
from keyaccount.loyalty.api import router as loyalty_router
from keyaccount.orders.api import router as orders_router
from keyaccount.planning.api import account_plans_router, reports_router
from keyaccount.planning.api import router as plans_router
from keyaccount.timeline.api import router as interactions_router

api = KeyaccountAPI(
    title="Keyaccount API",
    version=__version__,
    description="Key-account management. Authenticate with `Authorization: Bearer <token>` (create one on "
                "your profile's API tokens page or with `kam token USERNAME`). Updates carry the `version` you "
                "read; a stale version answers 409. Calls are rate-limited per user and per address: over a "
                "limit the answer is 429 with Retry-After.",
    auth=[BearerTokenAuth(), SessionAuth()],
    # Per user and per address, counted in the cache all processes share; over a limit: 429 + Retry-After.
    throttle=api_throttles(),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/accounts/", accounts_router)
api.add_router("/contacts/", contacts_router)
api.add_router("/competitors/", competitors_router)
api.add_router("/products/", products_router)
api.add_router("/orders/", orders_router)
api.add_router("/interactions/", interactions_router)
api.add_router("/notifications/", notifications_router)
api.add_router("/deals/", deals_router)
api.add_router("/proposals/", proposals_router)
api.add_router("/contracts/", contracts_router)
api.add_router("/obligations/", obligations_router)
api.add_router("/plans/", plans_router)
api.add_router("/account-plans/", account_plans_router)
api.add_router("/weekly-reports/", reports_router)
api.add_router("/insights/", insights_router)
api.add_router("/feedback/", feedback_router)
api.add_router("/surveys/", surveys_router)
api.add_router("/loyalty/", loyalty_router)
api.add_router("/tickets/", tickets_router)
