"""Context for the site layout (base.html): the navigation and the user's organisation and role."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from .access import membership_of
from .choices import Role

# (label, URL name, who sees it). A URL another app has not added yet is left out rather than breaking pages.
NAV = (
    (_("Tenders"), "procurement:tender_list", "member"),
    (_("Lists"), "screening:list_index", "member"),
    (_("People"), "procurement:members", "admin"),
    (_("Admin"), "admin:index", "staff"),
)


def safe_reverse(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


def nav_links(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_links": [], "membership": None, "unread_notifications": 0}
    membership = membership_of(user)
    allowed = {
        "member": membership is not None,
        "admin": membership is not None and membership.role == Role.ADMIN,
        "staff": user.is_staff,
    }
    links = []
    path = request.path
    for label, name, who in NAV:
        if not allowed[who]:
            continue
        url = safe_reverse(name)
        if url:
            current = path == url if url == "/" else path.startswith(url)
            links.append({"label": label, "url": url, "current": current})
    # "Tenders" lives at the root: it is also the current section for tender and bid pages.
    if links and links[0]["url"] == "/" and not any(link["current"] for link in links):
        links[0]["current"] = path.startswith(("/tenders/", "/bids/"))
    from .selectors import unread_notification_count

    return {"nav_links": links, "membership": membership, "unread_notifications": unread_notification_count(user=user)}
