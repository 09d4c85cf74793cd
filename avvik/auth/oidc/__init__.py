"""Single sign-on over OpenID Connect (HelseID, ID-porten, Entra ID): the provider tells
who the person is, and an administrator has already made them a user here.

    client.py    Authlib's client set up from the AVVIK_OIDC_* settings, pushed
                 authorization requests, the ID token's checks, the provider's sign-out
    services.py  the person to an existing, active user (or a refusal on the audit log)
    views.py     /auth/oidc/login and /auth/oidc/callback
"""
