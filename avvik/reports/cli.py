"""``avvik rotate-identity-key``: re-encrypt the identity vault with the newest key."""

from __future__ import annotations

import click

from avvik.audit.services import audit
from avvik.extensions import db
from avvik.reports.vault import rotate_identity_key


@click.command("rotate-identity-key")
def rotate_identity_key_command() -> None:
    """Re-encrypt every patient identity with the first key of AVVIK_IDENTITY_KEY.

    Put the new key first in AVVIK_IDENTITY_KEY (comma-separated, old key after it), run
    this, then remove the old key.
    """
    count = rotate_identity_key()
    audit("identity.rotated", "vault", None, detail={"re_encrypted": count})
    db.session.commit()
    click.echo(f"re-encrypted {count} patient identit{'y' if count == 1 else 'ies'}")
