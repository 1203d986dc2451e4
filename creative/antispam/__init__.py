"""Layered anti-spam: form traps, rate limits, content scoring, link limits for new accounts.

No models: counters and fingerprints live in the cache, word lists in data/*.txt. The
layers are independent and each is cheap; see docs/architecture.md#anti-spam.

- `forms.SpamTrapFormMixin` — a honeypot field and a signed "form opened at" time.
- `ratelimit.rate_limit` / `ratelimit.hit` — per-IP and per-account counters, HTTP 429.
- `scoring.assess` / `scoring.remember` — a score with reasons; `held` above ANTISPAM_HOLD_SCORE.
- `links.max_links_for` / `links.LinkLimitMixin` — at most a few links for new accounts.
- `checkers.AkismetChecker` — an optional external opinion (ANTISPAM_CHECKER).

This package is imported by config/settings.py (limits.py only): keep this module empty of imports.
"""
