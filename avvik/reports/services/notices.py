"""Recording the notices of a serious case: to Helsetilsynet, and to the patient or next
of kin (avvik/reports/notices.py). Avvik records what the parties did; it sends neither.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l

from avvik.core.errors import ValidationFailed
from avvik.core.timeutil import oslo_today, utcnow
from avvik.extensions import db
from avvik.reports.events import record_event
from avvik.reports.models import Report
from avvik.reports.notices import CaseNotice, NoticeAnswer, NoticeKind, notices_of
from avvik.reports.services.validation import identity_errors
from avvik.reports.workflow import Step, check
from avvik.users.models import User

NOTE_LIMIT = 2_000
BY_WHOM_LIMIT = 200
Errors = list[tuple[str, str]]


def record_authority_notice(actor: User, report: Report, sent: str | None,
                            on_date: date | None, by_whom: str | None, note: str | None, *,
                            now: datetime | None = None) -> CaseNotice:
    """The receiving side records whether, when and by whom Helsetilsynet was notified;
    recording again corrects the record."""
    check(actor, report, Step.NOTIFIED)
    now = now or utcnow()
    by_whom, note = _clean(by_whom), _clean(note)
    errors = _answer_errors("sent", sent, (NoticeAnswer.YES, NoticeAnswer.NO),
                            _l("Say whether the notice was sent."))
    if sent == NoticeAnswer.YES:
        errors += _date_errors(on_date, now, _l("Give the date the notice was sent."))
        if not by_whom:
            errors.append(("by_whom", str(_l("Say who sent it: a name or a role."))))
    elif sent == NoticeAnswer.NO and not note:
        errors.append(("note", str(_l("Say why it was not sent, or when it will be."))))
    errors += _text_errors("by_whom", by_whom, BY_WHOM_LIMIT)
    errors += _text_errors("note", note, NOTE_LIMIT)
    if errors:
        raise ValidationFailed(errors)
    return _record(actor, report, NoticeKind.AUTHORITY, str(sent), on_date if
                   sent == NoticeAnswer.YES else None, by_whom, note, now)


def record_patient_informed(actor: User, report: Report, answer: str | None,
                            on_date: date | None, note: str | None, *,
                            now: datetime | None = None) -> CaseNotice:
    """Either side records whether the patient or next of kin has been informed
    (yes, no or not applicable); recording again corrects the record."""
    check(actor, report, Step.INFORMED)
    now = now or utcnow()
    note = _clean(note)
    errors = _answer_errors("answer", answer, tuple(NoticeAnswer),
                            _l("Say whether the patient or next of kin has been informed."))
    if answer == NoticeAnswer.YES:
        errors += _date_errors(on_date, now, _l("Give the date they were informed."))
    errors += _text_errors("note", note, NOTE_LIMIT)
    if errors:
        raise ValidationFailed(errors)
    return _record(actor, report, NoticeKind.PATIENT, str(answer),
                   on_date if answer == NoticeAnswer.YES else None, "", note, now)


def _record(actor: User, report: Report, kind: NoticeKind, answer: str,
            on_date: date | None, by_whom: str, note: str, now: datetime) -> CaseNotice:
    notice = notices_of(report).get(kind)
    corrected = notice is not None
    if notice is None:
        notice = CaseNotice(report_id=report.id, kind=kind.value)
        db.session.add(notice)
    notice.answer, notice.on_date, notice.by_whom, notice.note = answer, on_date, by_whom, note
    notice.recorded_at, notice.recorded_by_id = now, actor.id
    db.session.flush()
    record_event(report, f"{kind.value}_notice", actor, note, answer=answer,
                 on_date=on_date.isoformat() if on_date else None, by_whom=by_whom,
                 corrected=corrected)
    return notice


def _answer_errors(field: str, value: str | None, allowed: tuple[NoticeAnswer, ...],
                   message: object) -> Errors:
    return [] if value in allowed else [(field, str(message))]


def _date_errors(on_date: date | None, now: datetime, missing: object) -> Errors:
    if on_date is None:
        return [("on_date", str(missing))]
    if on_date > oslo_today(now):
        return [("on_date", str(_l("The date cannot be in the future.")))]
    return []


def _text_errors(field: str, text: str, limit: int) -> Errors:
    errors = identity_errors(field, text)
    if len(text) > limit:
        errors.append((field, str(_l("At most %(n)d characters (now %(m)d).",
                                     n=limit, m=len(text)))))
    return errors


def _clean(text: str | None) -> str:
    return (text or "").replace("\x00", "").strip()
