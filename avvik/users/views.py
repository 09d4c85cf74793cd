"""Administration of users and their memberships (a role in a unit).

    GET       /users/?q=&status=&page=                    index: the users, filtered
    GET, POST /users/new                                  new
    GET       /users/<id>                                 detail: memberships
    GET, POST /users/<id>/edit                            edit
    POST      /users/<id>/active                          set_active (deactivate, reactivate)
    POST      /users/<id>/memberships                     add_membership
    POST      /users/<id>/memberships/<m>/remove          remove_membership
    POST      /users/<id>/codes/remove                    remove_codes (one-time codes)

Every route is for administrators only.
"""

from __future__ import annotations

from flask import Blueprint, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from avvik.auth.totp import has_totp
from avvik.auth.two_factor import remove_codes_of
from avvik.core.errors import NotFound
from avvik.core.formviews import removed, saved, shown_again, toggled
from avvik.core.http_errors import keeps_input_on_csrf_failure
from avvik.core.ids import page_number
from avvik.core.permissions import admin_required
from avvik.core.transactions import transactional
from avvik.organizations.queries import get_or_404 as get
from avvik.users import queries, services
from avvik.users.forms import EditUserForm, MembershipForm, NewUserForm
from avvik.users.labels import role_label
from avvik.users.models import Membership, User

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.get("/")
@admin_required
def index() -> str:
    text, status = request.args.get("q", ""), request.args.get("status", "")
    page = queries.users_page(page=request.args.get("page", 1, type=page_number), text=text,
                              status=status)
    return render_template("users/index.html", page=page, text=text, status=status)


@bp.route("/new", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def new() -> str | Response:
    form = NewUserForm()
    done = saved(form, lambda: services.create_user(current_user, **form.values()),
                 _l("The user was created. Give them the password in a safe way."),
                 lambda user: url_for(".detail", user_id=user.id))
    return done or render_template("users/form.html", form=form)


@bp.get("/<int:user_id>")
@admin_required
def detail(user_id: int) -> str:
    return _detail_page(get(User, user_id), MembershipForm(units=queries.unit_choices()))


def _detail_page(user: User, membership_form: MembershipForm) -> str:
    return render_template("users/detail.html", user=user, form=membership_form,
                           memberships=queries.memberships_of(user), codes_on=has_totp(user))


@bp.route("/<int:user_id>/edit", methods=["GET", "POST"])
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def edit(user_id: int) -> str | Response:
    user = get(User, user_id)
    form = EditUserForm(obj=user)
    message = (_l("The user was saved. The new password signed them out and revoked "
                  "their API tokens.") if form.password.data
               else _l("The user was saved."))
    done = saved(form, lambda: services.update_user(current_user, user, **form.values()),
                 message, lambda _: url_for(".detail", user_id=user_id))
    return done or render_template("users/form.html", form=form, user=user)


@bp.post("/<int:user_id>/active")
@admin_required
@transactional(refused=shown_again)
def set_active(user_id: int) -> Response:
    user = get(User, user_id)
    return toggled(user, user.full_name, services.deactivate_user, services.reactivate_user,
                   url_for(".detail", user_id=user_id))


@bp.post("/<int:user_id>/memberships")
@keeps_input_on_csrf_failure
@admin_required
@transactional(refused=shown_again)
def add_membership(user_id: int) -> str | Response:
    user, form = get(User, user_id), MembershipForm(units=queries.unit_choices())
    done = saved(form, lambda: services.add_membership(current_user, user, **form.values()),
                 _l("The role was added."), lambda _: url_for(".detail", user_id=user_id))
    return done or _detail_page(user, form)


@bp.post("/<int:user_id>/memberships/<int:membership_id>/remove")
@admin_required
@transactional(refused=shown_again)
def remove_membership(user_id: int, membership_id: int) -> Response:
    membership = get(Membership, membership_id)
    if membership.user_id != user_id:
        raise NotFound()
    return removed(lambda: services.remove_membership(current_user, membership),
                   _l("%(role)s in %(unit)s was removed.", role=role_label(membership.role),
                      unit=membership.unit.name), url_for(".detail", user_id=user_id))


@bp.post("/<int:user_id>/codes/remove")
@admin_required
@transactional(refused=shown_again)
def remove_codes(user_id: int) -> Response:
    user = get(User, user_id)
    return removed(lambda: remove_codes_of(current_user, user),
                   _l("%(name)s's one-time codes were removed.", name=user.full_name),
                   url_for(".detail", user_id=user_id))
