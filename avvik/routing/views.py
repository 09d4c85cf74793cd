"""Administration of routing rules, with a test against a sample case before saving.

    GET       /routing/?organization=<id>&page=      index: the rules, per organisation
    GET, POST /routing/new?organization=<id>         new (Save, or Test with a sample)
    GET, POST /routing/<id>/edit                     edit (Save, or Test with a sample)
    POST      /routing/<id>/active                   set_active (deactivate, reactivate)

Every route is for administrators only.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from avvik.core.errors import ValidationFailed
from avvik.core.formviews import saved, shown_again, toggled
from avvik.core.http_errors import keeps_input_on_csrf_failure
from avvik.core.ids import page_number, row_id
from avvik.core.permissions import admin_required
from avvik.core.transactions import transactional
from avvik.organizations.models import Organization
from avvik.organizations.queries import get_or_404
from avvik.routing import admin, queries
from avvik.routing.forms import RuleForm
from avvik.routing.models import RoutingRule
from avvik.routing.preview import RoutingPreview

bp = Blueprint("routing", __name__, url_prefix="/routing")


@bp.get("/")
@admin_required
def index() -> str:
    organization_id = request.args.get("organization", type=row_id)
    organization = get_or_404(Organization, organization_id) if organization_id else None
    page = queries.rules_page(page=request.args.get("page", 1, type=page_number),
                              organization_id=organization_id)
    return render_template("routing/index.html", page=page, organization=organization,
                           organizations=queries.organizations())


def _form(organization: Organization, rule: RoutingRule | None = None) -> RuleForm:
    community_id = organization.health_community_id
    return RuleForm(
        obj=rule,
        agreements=queries.agreement_choices(community_id, rule and rule.agreement_id),
        transitions=queries.transition_choices(community_id, rule and rule.transition_id),
        categories=queries.category_choices(community_id, rule and rule.category_id),
        units=queries.unit_choices(organization, rule and rule.target_unit_id))


def _tested(form: RuleForm, organization: Organization,
            rule: RoutingRule | None) -> RoutingPreview | None:
    """The Test button: the outcome for the sample case, or None (errors on the form)."""
    if not form.validate_on_submit():
        return None
    try:
        return admin.preview_rule(current_user, organization, form.values(), form.sample(),
                                  rule)
    except ValidationFailed as error:
        form.apply_errors(error)
        return None


@bp.route("/new", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def new() -> str | Response:
    organization = get_or_404(Organization, request.args.get("organization", 0, type=row_id))
    form, outcome = _form(organization), None
    if form.wants_test:
        outcome = _tested(form, organization, None)
    elif done := saved(form, lambda: admin.create_rule(current_user, organization,
                                                       form.values()),
                       _l("The routing rule was created."), lambda _: _back(organization)):
        return done
    return render_template("routing/form.html", form=form, organization=organization,
                           rule=None, outcome=outcome)


@bp.route("/<int:rule_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def edit(rule_id: int) -> str | Response:
    rule = get_or_404(RoutingRule, rule_id)
    organization = rule.receiving_organization
    form, outcome = _form(organization, rule), None
    if form.wants_test:
        outcome = _tested(form, organization, rule)
    elif done := saved(form, lambda: admin.update_rule(current_user, rule, form.values()),
                       _l("The routing rule was saved."), lambda _: _back(organization)):
        return done
    return render_template("routing/form.html", form=form, organization=organization,
                           rule=rule, outcome=outcome)


@bp.post("/<int:rule_id>/active")
@admin_required
@transactional(refused=shown_again)
def set_active(rule_id: int) -> Response:
    rule = get_or_404(RoutingRule, rule_id)
    return toggled(rule, rule.name, admin.deactivate_rule, admin.reactivate_rule,
                   _back(rule.receiving_organization))


def _back(organization: Organization) -> str:
    return url_for(".index", organization=organization.id)
