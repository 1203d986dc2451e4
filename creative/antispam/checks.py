"""Start-up checks of the anti-spam settings that config/settings.py cannot make itself."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string


@register()
def antispam_settings(app_configs, **kwargs):
    errors = []
    words = Path(settings.ANTISPAM_WORDS_FILE)
    try:
        from .scoring import spam_terms

        spam_terms()
    except OSError as exc:
        errors.append(Error(f"ANTISPAM_WORDS_FILE={str(words)!r} cannot be read: {exc}", id="antispam.E001"))
    except ValueError as exc:
        errors.append(Error(f"ANTISPAM_WORDS_FILE: {exc}", id="antispam.E002"))
    path = settings.ANTISPAM_CHECKER
    if path:
        try:
            checker = import_string(path)
        except ImportError as exc:
            errors.append(Error(f"ANTISPAM_CHECKER={path!r} cannot be imported: {exc}", id="antispam.E003"))
        else:
            from .checkers import AkismetChecker

            if isinstance(checker, type) and issubclass(checker, AkismetChecker) and not settings.ANTISPAM_AKISMET_KEY:
                errors.append(Error(
                    "ANTISPAM_CHECKER is Akismet but ANTISPAM_AKISMET_KEY (or ANTISPAM_AKISMET_KEY_FILE) is empty.",
                    id="antispam.E004",
                ))
    return errors
