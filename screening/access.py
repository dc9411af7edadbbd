"""Who may see and do what in the plugin. The host site supplies its own policy (SCREENING_ACCESS_POLICY).

A *scope* is an opaque string naming an owner, such as a buying organisation ("org:12"). Screenings and private
lists carry the scope of their owner; a user sees the objects of their scope and the public lists (scope "").
"""

from __future__ import annotations

from functools import lru_cache

from django.utils.module_loading import import_string

from . import conf


class DefaultAccess:
    """For a site with no organisations: one scope for everybody; Django permissions decide the rest."""

    def scope(self, user) -> str | None:
        """The scope whose objects the user sees, or None for nobody's."""
        return "" if user.is_authenticated else None

    def can_screen(self, user) -> bool:
        return user.is_authenticated and user.has_perm("screening.add_screening")

    def can_review(self, user) -> bool:
        return user.is_authenticated and user.has_perm("screening.change_finding")

    def can_manage_lists(self, user) -> bool:
        return user.is_authenticated and user.has_perm("screening.add_listversion")


@lru_cache(maxsize=1)
def _policy_class(path: str):
    return import_string(path)


def access():
    return _policy_class(conf.get("ACCESS_POLICY"))()
