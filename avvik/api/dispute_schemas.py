"""The API's body of the step "decline" (avvik/reports/services/disputes.py)."""

from __future__ import annotations

from marshmallow import Schema, fields
from marshmallow.validate import Length, OneOf

from avvik.api.schemas import Id, Text
from avvik.reports.services.disputes import Proposal
from avvik.reports.services.handling import COMMENT_LIMIT


class DeclineIn(Schema):
    reason = Text(required=True, validate=Length(max=COMMENT_LIMIT), metadata={
        "description": "Why the case is not (only) yours to answer."})
    proposal = fields.String(required=True, validate=OneOf([p.value for p in Proposal]),
                             metadata={"description": (
                                 "other_organization: another organisation of the health "
                                 "community should answer; reporting_side: the reporting "
                                 "organisation should; joint_answer: you and a second party "
                                 "(organization_id) should answer together.")})
    organization_id = Id(load_default=None, allow_none=True, metadata={
        "description": "The proposed organisation, or the second party of a joint answer."})
    unit_id = Id(load_default=None, allow_none=True, metadata={
        "description": "The unit of the proposed organisation that should answer "
                       "(optional; not for a joint answer)."})
