"""Single sign-on over OpenID Connect (HelseID, ID-porten, Entra ID): the provider tells
who the person is, and an administrator has already made them a user here.

    client.py    Authlib's client set up from the AVVIK_OIDC_* settings, pushed
                 authorization requests, the ID token's checks
    keys.py      the client's private key and its private_key_jwt assertion
    services.py  the person to an existing, active user (or a refusal on the audit log)
    sign_out.py  what signing out at the provider too needs, kept in the browser's session
    views.py     /auth/oidc/login and /auth/oidc/callback
"""
