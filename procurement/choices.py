"""Choices for the buying side."""

from django.db import models


class Role(models.TextChoices):
    OFFICER = "officer", "Procurement officer"
    REVIEWER = "reviewer", "Reviewer"
    ADMIN = "admin", "Organisation admin"
