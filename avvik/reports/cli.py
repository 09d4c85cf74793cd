"""``avvik rotate-identity-key``: re-encrypt the identity vault with the newest key."""

from __future__ import annotations

import click

from avvik.audit.services import audit
from avvik.extensions import db
from avvik.reports.vault import rotate_identity_key


@click.command("rotate-identity-key")
def rotate_identity_key_command() -> None:
    """Re-encrypt every patient identity and webhook secret with the first key of
    AVVIK_IDENTITY_KEY.

    Put the new key first in AVVIK_IDENTITY_KEY (comma-separated, old key after it), run
    this, then remove the old key.
    """
    from avvik.integrations.webhooks import rotate_webhook_secrets

    count = rotate_identity_key()
    secrets = rotate_webhook_secrets()  # the webhooks' shared secrets use the same keys
    audit("identity.rotated", "vault", None,
          detail={"re_encrypted": count, "webhook_secrets": secrets})
    db.session.commit()
    click.echo(f"re-encrypted {count} patient identit{'y' if count == 1 else 'ies'} "
               f"and {secrets} webhook secret{'' if secrets == 1 else 's'}")
