"""The form of declining a case with a proposal (avvik/reports/services/disputes.py),
and the organisations and units it offers: those of the case's health community."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectField, TextAreaField
from wtforms.validators import Optional

from avvik.core.forms import select_choices
from avvik.extensions import db
from avvik.organizations.models import Organization, Unit
from avvik.reports.forms import NeededToSubmit, StepForm, _select
from avvik.reports.models import Report
from avvik.reports.services.disputes import Proposal

PROPOSALS = {
    Proposal.OTHER_ORGANIZATION: _l("Another organisation in the health community should "
                                    "answer"),
    Proposal.REPORTING_SIDE: _l("The reporting organisation should answer"),
    Proposal.JOINT_ANSWER: _l("We should answer jointly with a second party"),
}


class DeclineForm(StepForm):
    proposal = SelectField(_l("What do you propose?"), [Optional(), NeededToSubmit()],
                           validate_choice=False,
                           choices=select_choices(PROPOSALS.items(), _l("Choose")))
    organization_id = _select(_l("The organisation you propose"), description=_l(
        "Who should answer instead, or the second party of a joint answer."))
    unit_id = _select(_l("The unit there that should answer"), description=_l(
        "If you know it; otherwise routing, or that organisation's coordinators, decide."))
    reason = TextAreaField(_l("Why is the case not yours to answer?"), [NeededToSubmit()],
                           render_kw={"rows": 3},
                           description=_l("The reporter and the coordinators of every "
                                          "organisation involved read it. Never the "
                                          "patient's name or identity number."))


def offer_choices(form: DeclineForm, report: Report) -> None:
    """The other organisations of the case's health community, and their active units."""
    community = report.receiving_organization.health_community_id
    organizations = db.session.scalars(
        select(Organization).where(Organization.health_community_id == community,
                                   Organization.is_active,
                                   Organization.id != report.receiving_organization_id)
        .order_by(Organization.name)).all()
    form.organization_id.choices = select_choices(((o.id, o.name) for o in organizations),
                                                  _("Choose organisation"))
    rows = db.session.execute(
        select(Unit.id, Unit.name, Organization.name).join(Organization)
        .where(Unit.organization_id.in_([o.id for o in organizations]), Unit.is_active)
        .order_by(Organization.name, Unit.name)).all()
    form.unit_id.choices = select_choices(
        ((unit_id, f"{organization_name}: {unit_name}")
         for unit_id, unit_name, organization_name in rows),
        _("No unit: let routing decide"))
