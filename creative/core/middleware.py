"""Request hygiene shared by every view."""

from django.http import QueryDict


class StripNulCharactersMiddleware:
    """Remove NUL characters from the query string's parameters.

    A NUL has no meaning in a search or a filter, and PostgreSQL refuses it in any text it is
    given (a DataError, hence a 500), while SQLite accepts it: `?q=a%00b` must answer like `?q=ab`
    everywhere — pages, feeds, exports and the API. Forms already refuse NUL in what they save
    (Django's ProhibitNullCharactersValidator).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "%00" in request.META.get("QUERY_STRING", ""):
            cleaned = QueryDict(mutable=True, encoding=request.GET.encoding)
            for key, values in request.GET.lists():
                cleaned.setlist(key.replace("\x00", ""), [value.replace("\x00", "") for value in values])
            cleaned._mutable = False
            request.GET = cleaned
        return self.get_response(request)
