from keyaccount.core import access


def workspace(request):
    """What the shared layout needs: the user's capabilities for the navigation."""
    user = getattr(request, "user", None)
    return {
        "can_view_orders": access.can(user, access.Capability.VIEW_ORDERS),
        "can_view_finances": access.can(user, access.Capability.VIEW_FINANCES),
        "can_view_my_day": access.can(user, access.Capability.VIEW_MY_DAY),
        "can_manage_users": access.can(user, access.Capability.MANAGE_USERS),
        "can_read_reports": access.colleagues_q(user) is not None,
    }
