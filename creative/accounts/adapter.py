from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.contrib.sites.shortcuts import get_current_site

from creative.core.tasks import enqueue_on_commit, send_rendered_mail_task


class AccountAdapter(DefaultAccountAdapter):
    """allauth's hooks for this site."""

    def send_mail(self, template_prefix, email, context):
        """Render allauth's message in the request, send it from the worker after commit.

        Rendering needs the request (links, site, language); sending does not, and a slow or
        down SMTP server must not slow or break sign-up and password reset.
        """
        request = allauth_context.request
        # The mail templates sign with the instance's name and address, request or not.
        ctx = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            "SITE_NAME": settings.SITE_NAME,
            "SITE_URL": settings.SITE_URL,
            **context,
        }
        message = self.render_mail(template_prefix, email, ctx)
        # Plain strings: the task's arguments are stored as JSON.
        text, html = (str(message.body), None) if message.content_subtype != "html" else (None, str(message.body))
        for content, mimetype in getattr(message, "alternatives", ()):
            if mimetype == "text/html":
                html = str(content)
        headers = message.extra_headers or None
        enqueue_on_commit(send_rendered_mail_task, str(message.subject), text, html, list(message.to), headers=headers)
