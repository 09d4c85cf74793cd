from flask import Blueprint

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.get("/")
def index() -> str:
    return "todo"
