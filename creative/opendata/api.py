"""PLACEHOLDER (helper A replaces this file): the django-ninja API mounted at /api/v1/."""

from ninja import NinjaAPI

api = NinjaAPI(title="Brest Créative", version="1", urls_namespace="api")
