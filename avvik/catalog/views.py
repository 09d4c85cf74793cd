"""Administration of agreements, phases, transitions and categories.

The four kinds share one URL map; ``KINDS`` says which form and services each uses.

    GET       /catalog/?community=<id>                  index: the four lists
    GET, POST /catalog/<kind>/new?community=<id>        new
    GET, POST /catalog/<kind>/<id>/edit                 edit
    POST      /catalog/<kind>/<id>/active               set_active (deactivate, reactivate)

where <kind> is agreements, phases, transitions or categories.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from avvik.catalog import queries, services
from avvik.catalog.forms import (
    LEGAL_POINTS,
    ActiveForm,
    AgreementForm,
    CatalogForm,
    CategoryForm,
    PhaseForm,
    TransitionForm,
)
from avvik.catalog.models import Agreement, Category, Phase, Transition
from avvik.core.formviews import saved, shown_again
from avvik.core.http_errors import keeps_input_on_csrf_failure
from avvik.core.ids import row_id
from avvik.core.permissions import admin_required
from avvik.core.transactions import transactional
from avvik.extensions import db
from avvik.organizations.models import HealthCommunity

bp = Blueprint("catalog", __name__, url_prefix="/catalog")


@dataclass(frozen=True)
class Kind:
    model: type
    form: type[CatalogForm]
    create: Callable[..., Any]
    update: Callable[..., Any]
    set_active: Callable[..., None]
    community_of: Callable[[Any], int]
    #: Whole sentences per kind, so each language can inflect the noun its own way.
    text: dict[str, Any]


def _texts(new: str, edit: str, created: str, saved: str, off: str, on: str) -> dict:
    return {"new": new, "edit": edit, "created": created, "saved": saved,
            "deactivated": off, "reactivated": on}


KINDS = {
    "agreements": Kind(
        Agreement, AgreementForm, services.create_agreement, services.update_agreement,
        services.set_agreement_active, lambda a: a.health_community_id,
        _texts(_l("New agreement"), _l("Edit agreement"), _l("The agreement was created."),
               _l("The agreement was saved."), _l("The agreement was deactivated."),
               _l("The agreement was reactivated."))),
    "phases": Kind(
        Phase, PhaseForm, services.create_phase, services.update_phase,
        services.set_phase_active, lambda p: p.health_community_id,
        _texts(_l("New phase"), _l("Edit phase"), _l("The phase was created."),
               _l("The phase was saved."), _l("The phase was deactivated."),
               _l("The phase was reactivated."))),
    "transitions": Kind(
        Transition, TransitionForm, services.create_transition, services.update_transition,
        services.set_transition_active, lambda t: t.phase.health_community_id,
        _texts(_l("New transition"), _l("Edit transition"), _l("The transition was created."),
               _l("The transition was saved."), _l("The transition was deactivated."),
               _l("The transition was reactivated."))),
    "categories": Kind(
        Category, CategoryForm, services.create_category, services.update_category,
        services.set_category_active, lambda c: c.health_community_id,
        _texts(_l("New category"), _l("Edit category"), _l("The category was created."),
               _l("The category was saved."), _l("The category was deactivated."),
               _l("The category was reactivated."))),
}
KIND_PATH = "<any(" + ", ".join(KINDS) + "):kind>"


def _community(community_id: int | None) -> HealthCommunity:
    community = db.session.get(HealthCommunity, community_id) if community_id else None
    if community is None:
        abort(404)
    return community


def _row(kind: str, row_id: int) -> tuple[Kind, Any, HealthCommunity]:
    spec = KINDS[kind]
    row = db.session.get(spec.model, row_id) or abort(404)
    return spec, row, _community(spec.community_of(row))


def _back(kind: str, community: HealthCommunity) -> str:
    return url_for(".index", community=community.id, _anchor=kind)


@bp.get("/")
@admin_required
def index() -> str:
    communities = queries.health_communities()
    chosen = request.args.get("community", type=row_id)
    community = next((c for c in communities if c.id == chosen),
                     communities[0] if communities else None)
    lists = {} if community is None else {
        "agreements": queries.all_agreements(community.id),
        "phases": queries.all_phases(community.id),
        "transitions": queries.all_transitions(community.id),
        "categories": queries.all_categories(community.id),
    }
    return render_template("catalog/index.html", communities=communities,
                           community=community, lists=lists, legal_points=LEGAL_POINTS,
                           active_form=ActiveForm())


@bp.route(f"/{KIND_PATH}/new", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def new(kind: str) -> str | Response:
    spec, community = KINDS[kind], _community(request.args.get("community", type=row_id))
    form = spec.form(community=community)
    done = saved(form, lambda: spec.create(current_user, community, **form.values()),
                 spec.text["created"], lambda _: _back(kind, community))
    return done or render_template("catalog/form.html", kind=kind, spec=spec, form=form,
                                   community=community, row=None)


@bp.route(f"/{KIND_PATH}/<int:row_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def edit(kind: str, row_id: int) -> str | Response:
    spec, row, community = _row(kind, row_id)
    form = spec.form(obj=row, community=community)
    done = saved(form, lambda: spec.update(current_user, row, **form.values()),
                 spec.text["saved"], lambda _: _back(kind, community))
    return done or render_template("catalog/form.html", kind=kind, spec=spec, form=form,
                                   community=community, row=row, active_form=ActiveForm())


@bp.post(f"/{KIND_PATH}/<int:row_id>/active")
@admin_required
@transactional
def set_active(kind: str, row_id: int) -> Response:
    spec, row, community = _row(kind, row_id)
    form = ActiveForm()
    if not form.validate_on_submit():
        abort(400)
    active = form.active.data == "1"
    spec.set_active(current_user, row, active)
    flash(spec.text["reactivated" if active else "deactivated"], "success")
    return redirect(_back(kind, community))
