"""The screening plugin's access policy for this site: a user sees their organisation's objects.

Roles (procurement.choices.Role) decide who screens (officers and admins), who reviews findings (reviewers and
admins) and who manages the organisation's lists (admins).
"""

from __future__ import annotations

from .choices import Role


def organisation_scope(organisation_id: int) -> str:
    return f"org:{organisation_id}"


def membership_of(user):
    if not user.is_authenticated:
        return None
    return getattr(user, "membership", None)


class OrganisationAccess:
    def scope(self, user) -> str | None:
        membership = membership_of(user)
        return organisation_scope(membership.organisation_id) if membership else None

    def _role(self, user) -> str | None:
        membership = membership_of(user)
        return membership.role if membership else None

    def can_screen(self, user) -> bool:
        return self._role(user) in (Role.OFFICER, Role.ADMIN)

    def can_review(self, user) -> bool:
        return self._role(user) in (Role.REVIEWER, Role.ADMIN)

    def can_manage_lists(self, user) -> bool:
        return self._role(user) == Role.ADMIN
