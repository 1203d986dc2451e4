"""The write API's authentication: `Authorization: Bearer <personal token>`."""

from ninja.security import HttpBearer

from . import tokens


class BearerToken(HttpBearer):
    """A personal token from /compte/jetons/; sets request.user to its owner."""

    openapi_scheme = "bearer"
    openapi_description = "Jeton personnel créé sur la page « Mes jetons d'API » (/compte/jetons/)."

    def authenticate(self, request, token):
        user = tokens.authenticate(token)
        if user is not None:
            request.user = user
        return user
