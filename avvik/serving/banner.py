"""The lines ``avvik serve`` prints once everything answers: where to go, how to sign in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from avvik.demo.people import DEMO_PASSWORD

#: The sign-ins ``avvik demo-data`` creates; shown when they exist in the database.
DEMO_USERNAMES = (
    "melder.kommune", "melder.sykehus", "leder.kommune", "leder.sykehus",
    "koordinator.kommune", "koordinator.sykehus", "kvalitet", "sekretariat", "utvalg", "admin",
    "melder.annen",
)


def banner(url: str, config: Mapping[str, Any], debug_mail: bool, broker: str | None) -> str:
    """The banner; ``broker`` names the embedded broker's folder, None for another."""
    lines = ["", f"Avvik is running at {url}"]
    if debug_mail:
        lines.append(f"E-mails are printed here and saved in {config['MAIL_DIR']}")
    else:
        lines.append(f"E-mails go to {config['SMTP_HOST']}:{config['SMTP_PORT']}")
    if broker:
        lines.append(f"Queued work is kept in {broker}")
    demo_users = demo_users_present()
    if demo_users:
        lines.append(f"Demo sign-ins (password {DEMO_PASSWORD}):")
        lines.extend(f"  {name}" for name in demo_users)
    lines.extend(["A process that dies is restarted. Press Ctrl-C to stop.", ""])
    return "\n".join(lines)


def demo_users_present() -> list[str]:
    from sqlalchemy.exc import SQLAlchemyError

    from avvik.extensions import db
    from avvik.users.models import User

    try:
        found = set(db.session.scalars(
            db.select(User.username).where(User.username.in_(DEMO_USERNAMES))
        ))
    except SQLAlchemyError:  # not migrated yet: no users to show
        return []
    finally:
        db.session.remove()
    return [name for name in DEMO_USERNAMES if name in found]
