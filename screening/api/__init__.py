"""The plugin's REST API (Django REST framework): screenings, findings, reviews, lists and matching.

The host site includes `screening.api.urls` under its API prefix and can build its own endpoints on the same
foundations: `ApiView`/`ApiViewSet` (token or session auth, throttling, one error shape, Idempotency-Key on
every POST), `errors.api_exception_handler`, and `schema.ScreeningAutoSchema`.
"""
