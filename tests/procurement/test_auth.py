"""Logging in and out, resetting a password, the site layout and its static files."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from procurement.choices import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "N3w-pass-for-5g!"  # noqa: S105 - a test password


def test_the_home_page_sends_a_visitor_to_the_login_page(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next=/"


def test_the_login_page_logs_a_user_in_and_goes_to_the_tenders(client, officer):
    page = client.get(reverse("login"))
    assert page.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()

    response = client.post(reverse("login"), {"username": officer.username, "password": PASSWORD})

    assert response.status_code == 302 and response.url == "/"
    assert client.get("/").status_code == 200


def test_a_wrong_password_is_refused_with_a_message(client, officer):
    response = client.post(reverse("login"), {"username": officer.username, "password": "wrong"})

    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_logout_is_a_post_form_in_the_header(officer_client):
    page = officer_client.get("/").content.decode()
    assert re.search(r'<form method="post" action="/accounts/logout/"', page)

    response = officer_client.post(reverse("logout"))

    assert response.status_code == 302 and response.url == reverse("login")
    assert officer_client.get("/").status_code == 302


def test_a_password_reset_sends_an_email_with_a_working_link(client, officer, mailoutbox):
    assert client.get(reverse("password_reset")).status_code == 200

    response = client.post(reverse("password_reset"), {"email": officer.email})

    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    assert client.get(response.url).status_code == 200
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == [officer.email]
    assert "reset your password" in mail.subject
    link = re.search(r"https?://[^/]+(/accounts/reset/\S+)", mail.body).group(1)
    form = client.get(link, follow=True)
    assert "Choose a new password" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.url == reverse("password_reset_complete")
    assert client.get(done.url).status_code == 200
    assert client.login(username=officer.username, password=NEW_PASSWORD)


def test_the_layout_has_a_skip_link_the_navigation_and_who_is_logged_in(client, org_a):
    admin = UserFactory(organisation=org_a, role=Role.ADMIN, first_name="Ada", last_name="Admin")
    client.force_login(admin)

    page = client.get("/").content.decode()

    assert '<a class="skip-link" href="#main">' in page and '<main id="main"' in page
    assert 'href="/" aria-current="page">Tenders</a>' in page
    assert f'href="{reverse("screening:list_index")}">Lists</a>' in page
    assert f'href="{reverse("procurement:members")}">People</a>' in page
    assert "Ada Admin" in page and "Agency A · Organisation admin" in page
    assert "https://" not in page.split("<body>")[0], "no asset comes from another site"


def test_the_people_page_lists_the_organisations_members(client, org_a, officer, reviewer):
    admin = UserFactory(organisation=org_a, role=Role.ADMIN)
    UserFactory(role=Role.OFFICER, username="someone-elsewhere")
    client.force_login(admin)

    page = client.get(reverse("procurement:members")).content.decode()

    assert officer.username in page and reviewer.username in page and "Reviewer" in page
    assert "someone-elsewhere" not in page


def test_the_stylesheet_and_script_are_served_by_the_app(settings, officer):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()  # a new client builds its middleware with these settings

    for path in ("/static/procurement/site.css", "/static/screening/screening.js"):
        response = client.get(path)
        assert response.status_code == 200, path
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert b"http://" not in body and b"https://" not in body, f"{path} loads nothing from elsewhere"


def test_the_admin_still_works_for_staff(client, org_a):
    from tests.factories import BidFactory, TenderFactory

    staff = UserFactory(organisation=org_a, role=Role.ADMIN, is_staff=True, is_superuser=True)
    BidFactory(tender=TenderFactory(organisation=org_a))
    client.force_login(staff)

    for url in ("/admin/", "/admin/procurement/tender/", "/admin/procurement/bid/", "/admin/procurement/organisation/"):
        assert client.get(url).status_code == 200, url
