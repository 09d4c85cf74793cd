from flask import Blueprint

bp = Blueprint("organizations", __name__, url_prefix="/organizations")


@bp.get("/")
def index() -> str:
    return "todo"
