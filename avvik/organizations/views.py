"""Administration of health communities, organisations, units and unit leaders.

    GET       /organizations/?q=&page=                    index: the organisations
    GET, POST /organizations/new                          new
    GET       /organizations/<id>                         detail: settings and unit tree
    GET, POST /organizations/<id>/edit                    edit
    POST      /organizations/<id>/active                  set_active (deactivate, reactivate)
    GET, POST /organizations/<id>/units/new               new_unit
    GET       /organizations/units/<id>                   unit: leaders and sub-units
    GET, POST /organizations/units/<id>/edit              edit_unit
    POST      /organizations/units/<id>/active            set_unit_active
    POST      /organizations/units/<id>/leaders           add_leader
    POST      /organizations/units/<id>/leaders/<m>/remove    remove_leader
    GET       /organizations/communities/?page=           communities
    GET, POST /organizations/communities/new              new_community
    GET, POST /organizations/communities/<id>/edit        edit_community
    POST      /organizations/communities/<id>/active      set_community_active

Every route is for administrators only.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from avvik.core.formviews import removed, saved, shown_again, toggled
from avvik.core.http_errors import keeps_input_on_csrf_failure
from avvik.core.ids import page_number, row_id
from avvik.core.permissions import admin_required
from avvik.core.transactions import transactional
from avvik.organizations import queries, services
from avvik.organizations.forms import HealthCommunityForm, LeaderForm, OrganizationForm, UnitForm
from avvik.organizations.models import HealthCommunity, Organization, Unit
from avvik.users.models import Membership

bp = Blueprint("organizations", __name__, url_prefix="/organizations")
get = queries.get_or_404


@bp.get("/")
@admin_required
def index() -> str:
    text = request.args.get("q", "")
    page = queries.organizations_page(page=request.args.get("page", 1, type=page_number), text=text)
    return render_template("organizations/index.html", page=page, text=text)


@bp.route("/new", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def new() -> str | Response:
    form = OrganizationForm(communities=queries.community_choices())
    done = saved(form, lambda: services.create_organization(current_user, **form.values()),
                 _l("The organisation was created."),
                 lambda org: url_for(".detail", org_id=org.id))
    return done or render_template("organizations/form.html", form=form)


@bp.get("/<int:org_id>")
@admin_required
def detail(org_id: int) -> str:
    organization = get(Organization, org_id)
    return render_template("organizations/detail.html", organization=organization,
                           tree=queries.unit_tree(organization))


@bp.route("/<int:org_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def edit(org_id: int) -> str | Response:
    organization = get(Organization, org_id)
    form = OrganizationForm(obj=organization, communities=queries.community_choices(
        organization.health_community))
    done = saved(form, lambda: services.update_organization(current_user, organization,
                                                            **form.values()),
                 _l("The organisation was saved."),
                 lambda _: url_for(".detail", org_id=org_id))
    return done or render_template("organizations/form.html", form=form,
                                   organization=organization)


@bp.post("/<int:org_id>/active")
@admin_required
@transactional(refused=shown_again)
def set_active(org_id: int) -> Response:
    organization = get(Organization, org_id)
    return toggled(organization, organization.name, services.deactivate_organization,
                   services.reactivate_organization, url_for(".detail", org_id=org_id))


@bp.route("/<int:org_id>/units/new", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def new_unit(org_id: int) -> str | Response:
    organization = get(Organization, org_id)
    form = UnitForm(parents=queries.parent_choices(organization),
                    parent_id=request.args.get("parent", type=row_id))
    done = saved(form, lambda: services.create_unit(current_user, organization,
                                                    **form.values()),
                 _l("The unit was created."), lambda unit: url_for(".unit", unit_id=unit.id))
    return done or render_template("organizations/unit_form.html", form=form,
                                   organization=organization)


@bp.get("/units/<int:unit_id>")
@admin_required
def unit(unit_id: int) -> str:
    return _unit_page(get(Unit, unit_id), LeaderForm())


def _unit_page(unit: Unit, leader_form: LeaderForm) -> str:
    return render_template("organizations/unit.html", unit=unit, leader_form=leader_form,
                           path=queries.unit_path(unit), leaders=queries.leader_memberships(unit))


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def edit_unit(unit_id: int) -> str | Response:
    unit = get(Unit, unit_id)
    form = UnitForm(obj=unit, parents=queries.parent_choices(unit.organization, unit))
    done = saved(form, lambda: services.update_unit(current_user, unit, **form.values()),
                 _l("The unit was saved."), lambda _: url_for(".unit", unit_id=unit_id))
    return done or render_template("organizations/unit_form.html", form=form, unit=unit,
                                   organization=unit.organization)


@bp.post("/units/<int:unit_id>/active")
@admin_required
@transactional(refused=shown_again)
def set_unit_active(unit_id: int) -> Response:
    unit = get(Unit, unit_id)
    return toggled(unit, unit.name, services.deactivate_unit, services.reactivate_unit,
                   url_for(".unit", unit_id=unit_id))


@bp.post("/units/<int:unit_id>/leaders")
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def add_leader(unit_id: int) -> str | Response:
    unit, form = get(Unit, unit_id), LeaderForm()
    done = saved(form, lambda: services.add_leader(current_user, unit, **form.values()),
                 _l("The leader was added."), lambda _: url_for(".unit", unit_id=unit_id))
    return done or _unit_page(unit, form)


@bp.post("/units/<int:unit_id>/leaders/<int:membership_id>/remove")
@admin_required
@transactional(refused=shown_again)
def remove_leader(unit_id: int, membership_id: int) -> Response:
    unit, membership = get(Unit, unit_id), get(Membership, membership_id)
    return removed(lambda: services.remove_leader(current_user, unit, membership),
                   _l("%(name)s is no longer a leader of this unit.",
                      name=membership.user.full_name), url_for(".unit", unit_id=unit_id))


@bp.get("/communities/")
@admin_required
def communities() -> str:
    page = queries.communities_page(page=request.args.get("page", 1, type=page_number))
    return render_template("organizations/communities.html", page=page)


@bp.route("/communities/new", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def new_community() -> str | Response:
    form = HealthCommunityForm()
    done = saved(form, lambda: services.create_health_community(current_user,
                                                                **form.values()),
                 _l("The health community was created."), lambda _: url_for(".communities"))
    return done or render_template("organizations/community_form.html", form=form)


@bp.route("/communities/<int:community_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def edit_community(community_id: int) -> str | Response:
    community = get(HealthCommunity, community_id)
    form = HealthCommunityForm(obj=community)
    done = saved(form, lambda: services.update_health_community(current_user, community,
                                                                **form.values()),
                 _l("The health community was saved."), lambda _: url_for(".communities"))
    return done or render_template("organizations/community_form.html", form=form,
                                   community=community)


@bp.post("/communities/<int:community_id>/active")
@admin_required
@transactional(refused=shown_again)
def set_community_active(community_id: int) -> Response:
    community = get(HealthCommunity, community_id)
    return toggled(community, community.name, services.deactivate_health_community,
                   services.reactivate_health_community, url_for(".communities"))
