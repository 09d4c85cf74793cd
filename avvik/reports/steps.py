"""Every step on a case, declared once: the pages, the API and the case page's buttons
read this registry.

A step's status and permission rules are ``workflow.check``, the guard its service calls
first; a button is offered exactly when ``may`` says the service would accept the step
(tests/reports/test_steps_registry.py holds the two together). ``run`` calls the service
with the typed values by name: the HTML form's data and the API's JSON body alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from marshmallow import Schema

from avvik.api.dispute_schemas import DeclineIn
from avvik.api.link_schemas import LinkIn
from avvik.api.schemas import AnswerIn, CommentIn, ForwardIn, InformedIn, NotifiedIn, ReasonIn
from avvik.committee.services import flag_for_committee
from avvik.core.errors import ValidationFailed
from avvik.extensions import db
from avvik.organizations.models import Unit
from avvik.reports import workflow
from avvik.reports.decline_form import DeclineForm
from avvik.reports.forms import AnswerForm, CommentForm, ForwardForm, ReasonForm, StepForm
from avvik.reports.link_forms import LinkForm, UnlinkForm
from avvik.reports.models import Report
from avvik.reports.notice_forms import InformedForm, NotifiedForm
from avvik.reports.services import (
    acknowledge_report,
    add_comment,
    answer_report,
    approve_report,
    close_report,
    decline_report,
    forward_report,
    reopen_report,
    return_report,
    withdraw_report,
)
from avvik.reports.services.drafting import delete_draft
from avvik.reports.services.linking import link_reports, unlink_reports
from avvik.reports.services.notices import record_authority_notice, record_patient_informed
from avvik.reports.workflow import Step
from avvik.users.models import User

Values = Mapping[str, Any]


@dataclass(frozen=True)
class CaseStep:
    """One step on a case, as the views, the API and the buttons see it."""

    step: Step
    #: Calls the service: the acting user, the case, the typed values by field name.
    run: Callable[[User, Report, Values], object]
    form: type[StepForm]
    #: The API's body, or None for a step with nothing to type.
    schema: type[Schema] | None
    #: Said after the step is taken (flashed on the case page).
    done: object
    label: object
    #: Beside the button; for a step with text to type, the summary that opens its form.
    hint: object
    variant: str = "primary"
    #: Whether a step's form stands open on the page without being asked for.
    opened: bool = False
    #: In the "What you can do now" panel (the comment form stands with the comments).
    in_panel: bool = True
    #: Refused when the case changed since the page was shown (comments are not).
    versioned: bool = True
    api_rule: str | None = None
    api_status: int = 200
    api_summary: str = ""
    #: Asked before the step is taken: the button stands behind this question.
    confirm: object = ""
    #: The step deletes the case: the page goes back to the lists, not to the case.
    removes: bool = False

    @property
    def name(self) -> str:
        return self.step.value

    @property
    def typed(self) -> bool:
        """Whether the step has text to type, rather than being a single button."""
        return self.form is not StepForm

    def may(self, user: User, report: Report) -> bool:
        """Whether ``user`` may take the step on ``report`` now: the service's own guard."""
        return workflow.may(user, report, self.step)


def _forward(actor: User, report: Report, values: Values) -> object:
    unit_id = values.get("unit_id")
    unit = db.session.get(Unit, unit_id) if unit_id else None
    if unit is None:
        reason = (_l("Choose an active unit of the receiving organisation.") if unit_id
                  else _l("Choose the unit to forward to."))
        raise ValidationFailed([("unit_id", str(reason))])
    return forward_report(actor, report, unit, values.get("reason") or "")


#: In the order the case page offers them.
STEPS: dict[str, CaseStep] = {s.name: s for s in (
    CaseStep(Step.APPROVE, lambda me, r, v: approve_report(me, r), StepForm, None,
             _l("The report is approved and goes to the receiving side."),
             _l("Approve and send"),
             _l("The report goes to the receiving organisation when you approve it."),
             api_rule="approve",
             api_summary="The reporting unit's leader lets the report go to the receiver."),
    CaseStep(Step.RETURN, lambda me, r, v: return_report(me, r, v.get("reason") or ""),
             ReasonForm, ReasonIn,
             _l("The report is sent back to its reporter as a draft."),
             _l("Send back"), _l("Send the report back to the reporter"),
             api_rule="return",
             api_summary="The approving leader sends the report back to its reporter."),
    CaseStep(Step.ACKNOWLEDGE, lambda me, r, v: acknowledge_report(me, r), StepForm, None,
             _l("The case is acknowledged."), _l("Acknowledge the case"),
             _l("Tell the reporting side that you have the case and are looking into it."),
             api_rule="acknowledge",
             api_summary="The receiving side confirms it has the case."),
    CaseStep(Step.ANSWER,
             lambda me, r, v: answer_report(me, r, v.get("cause"), v.get("measures")),
             AnswerForm, AnswerIn,
             _l("The answer is saved and goes to the reporting side."),
             _l("Send the answer"), _l("Answer the case"), opened=True,
             api_rule="answer", api_summary="The receiving side's answer: cause, and "
                                            "measures taken and planned."),
    CaseStep(Step.FORWARD, _forward, ForwardForm, ForwardIn, _l("The case is forwarded."),
             _l("Forward"), _l("Forward the case to another unit"),
             api_rule="forward",
             api_summary="Send the case to another unit of the receiving organisation."),
    CaseStep(Step.DECLINE,
             lambda me, r, v: decline_report(
                 me, r, v.get("reason") or "", v.get("proposal") or "",
                 v.get("organization_id"), v.get("unit_id")),
             DeclineForm, DeclineIn,
             _l("The case is declined with your proposal; everyone involved is told."),
             _l("Decline the case"),
             _l("Not yours to answer? Decline the case with a reason and a proposal"),
             variant="secondary", api_rule="decline",
             api_summary="The answering side says the case is not (only) theirs, with a "
                         "reason and a proposal: another organisation of the health "
                         "community, the reporting side, or a joint answer with a second "
                         "party. A case declined a second time goes to the joint "
                         "committee's agenda."),
    CaseStep(Step.CLOSE, lambda me, r, v: close_report(me, r), StepForm, None,
             _l("The case is closed."), _l("Close the case"),
             _l("Close the case when the answer settles it."),
             api_rule="close", api_summary="Close an answered case (once the answer has "
                                           "reached the reporting side)."),
    CaseStep(Step.REOPEN, lambda me, r, v: reopen_report(me, r, v.get("reason")),
             ReasonForm, ReasonIn,
             _l("Your disagreement is recorded: the case goes back to the receiving side, "
                "or, the second time, to the joint committee."),
             _l("Reopen"), _l("Disagree with the answer and reopen the case (a second "
                              "disagreement goes to the joint committee)"),
             api_rule="reopen", api_summary="The reporting side disagrees with the "
                                            "answer, with a reason: the first time the "
                                            "case goes back to the receiving side, the "
                                            "second time on the joint committee's "
                                            "agenda."),
    CaseStep(Step.WITHDRAW, lambda me, r, v: withdraw_report(me, r), StepForm, None,
             _l("The report is withdrawn."), _l("Withdraw the report"),
             _l("A report can be withdrawn until the receiving side has acknowledged it."),
             variant="secondary", api_rule="withdraw",
             api_summary="The reporting side takes the report back before "
                         "acknowledgement."),
    # Not in the API's POSTs: ``DELETE /api/v1/reports/<id>`` (avvik/api/reports.py).
    CaseStep(Step.DELETE_DRAFT, lambda me, r, v: delete_draft(me, r), StepForm, None,
             _l("The draft is deleted."), _l("Delete draft"),
             _l("Only you can see the draft. Deleting it removes everything in it, the "
                "patient's identity included."),
             variant="secondary", removes=True,
             confirm=_l("Delete the draft? This cannot be undone.")),
    CaseStep(Step.COMMENT, lambda me, r, v: add_comment(me, r, v.get("text")),
             CommentForm, CommentIn, _l("Your comment is added."), _l("Add comment"),
             "", variant="secondary", in_panel=False, versioned=False,
             api_rule="comments", api_status=201,
             api_summary="A comment in the dialogue between the two sides."),
    # A serious case's records (avvik/reports/notices.py): in the case page's section on
    # the serious event, not the panel; they change no status, so no version check.
    CaseStep(Step.NOTIFIED,
             lambda me, r, v: record_authority_notice(
                 me, r, v.get("sent"), v.get("on_date"), v.get("by_whom"), v.get("note")),
             NotifiedForm, NotifiedIn, _l("The notice to Helsetilsynet is recorded."),
             _l("Record the notice"), _l("Record whether Helsetilsynet has been notified"),
             in_panel=False, versioned=False, api_rule="notified",
             api_summary="The receiving side records whether, when and by whom a serious "
                         "event was notified to Helsetilsynet (Avvik does not send it)."),
    CaseStep(Step.INFORMED,
             lambda me, r, v: record_patient_informed(
                 me, r, v.get("answer"), v.get("on_date"), v.get("note")),
             InformedForm, InformedIn,
             _l("It is recorded whether the patient or next of kin has been informed."),
             _l("Record"), _l("Record whether the patient or next of kin has been informed"),
             in_panel=False, versioned=False, api_rule="informed",
             api_summary="Either side records whether the patient or next of kin has been "
                         "informed of a serious event."),
    CaseStep(Step.FLAG, lambda me, r, v: flag_for_committee(me, r, v.get("reason") or ""),
             ReasonForm, ReasonIn, _l("The case is on the joint committee's agenda."),
             _l("Put on the committee's agenda"),
             _l("Take the case to the joint committee (coordinators, with a reason)"),
             variant="secondary", api_rule="flag", api_status=201,
             api_summary="A coordinator of either side puts the case on the joint "
                         "committee's agenda, with a reason."),
    # Two reports of one event (avvik/reports/links.py): in the case page's section on
    # linked reports, not the panel; a link changes neither case, so no version check.
    CaseStep(Step.LINK,
             lambda me, r, v: link_reports(me, r, v.get("case_number"), v.get("reason")),
             LinkForm, LinkIn, _l("The two reports are linked as one event."),
             _l("Link the reports"), _l("Link a report of the same event from the other side"),
             in_panel=False, versioned=False, api_rule="link",
             api_summary="Link the case with another report of the same event (usually "
                         "the other side's), with a reason; both timelines say so."),
    CaseStep(Step.UNLINK,
             lambda me, r, v: unlink_reports(me, r, v.get("case_number"), v.get("reason")),
             UnlinkForm, LinkIn, _l("The link between the two reports is undone."),
             _l("Undo the link"), _l("These are not reports of the same event"),
             variant="secondary", in_panel=False, versioned=False, api_rule="unlink",
             api_summary="Undo the link between the case and a linked case, with a reason."),
)}


def offered(user: User, report: Report) -> tuple[CaseStep, ...]:
    """The steps ``user`` may take on ``report`` now, in the page's order."""
    return tuple(step for step in STEPS.values() if step.may(user, report))
