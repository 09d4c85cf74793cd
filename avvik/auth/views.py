from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
def login() -> str:
    return "todo"


@bp.post("/logout")
def logout() -> str:
    return "todo"
