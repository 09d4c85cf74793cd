from flask import Blueprint

bp = Blueprint("catalog", __name__, url_prefix="/catalog")


@bp.get("/")
def index() -> str:
    return "todo"
