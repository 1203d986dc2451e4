"""Environment for the test run, loaded as a pytest plugin before Django's settings.

(`-p tests.environment` in pyproject.toml: pytest-django reads the settings before
any conftest.py is imported.)
"""

import os

os.environ.setdefault("SECRET_KEY", "insecure-test-key")
os.environ.setdefault("DEBUG", "0")
# The test client and the live server speak plain HTTP: no redirect to https:// (DEBUG=0 turns it on).
os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
# Templates render with plain static storage: no collectstatic manifest needed.
os.environ.setdefault("STATIC_MANIFEST", "0")
# Test clients post forms at once; the anti-spam tests turn the minimum fill time back on.
os.environ.setdefault("ANTISPAM_MIN_FILL_SECONDS", "0")
# Browser tests drive Django from Playwright's thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
