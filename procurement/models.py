"""The buying side: organisations and the people who work for them."""

from django.conf import settings
from django.db import models

from .choices import Role


class Organisation(models.Model):
    """A buying organisation: a ministry, a regulator, an operator running a tender."""

    name = models.CharField(max_length=200, unique=True)
    country = models.CharField(max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's place in one organisation."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.OFFICER)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"
