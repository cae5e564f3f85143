"""Finding volunteering: the home page, search results and a role's page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, abort, render_template, request

from gateway.web.api import api
from gateway.web.forms import error_list, page
from gateway.web.templating import KM_PER_MILE

bp = Blueprint("search", __name__)
MILES = (1, 3, 5, 10, 25, 50, 100)
DEFAULT_MILES = 10
PER_PAGE = 20
MULTI = ("causes", "commitment", "accessibility")
SORTS = {"": "Best match", "distance": "Nearest first", "newest": "Newest first",
         "closing_soon": "Closing soonest"}  # fmt: skip
REMOTE = {"include": "In person and remote", "exclude": "In person only", "only": "Remote only"}
# The API's parameter names, as the form's field ids (for the error summary's links).
FIELD_IDS = {"radius_km": "miles", "q": "q", "postcode": "postcode", "page": "results"}


@bp.get("/")
def home() -> str:
    form = {"miles": str(DEFAULT_MILES), "postcode": "", "q": ""}
    return render_template("search/home.html", title="Find volunteering near you", nav="search",
                           form=form, miles_items=_miles_items(form), errors={})  # fmt: skip


@bp.get("/search")
def results() -> str:
    form = _form()
    answer = api().get("/api/v1/search", _api_query(form)) if _searched(form) else None
    errors = answer.errors() if answer is not None and answer.status == 422 else {}
    found = answer.body if answer is not None and answer.ok else None
    return render_template(
        "search/results.html",
        title=_title(form, found),
        nav="search",
        form=form,
        miles_items=_miles_items(form),
        sort_items=[{"value": k, "text": v} for k, v in SORTS.items()],
        remote_items=[
            {"value": k, "text": v, "checked": form["remote"] == k} for k, v in REMOTE.items()
        ],
        found=found,
        facets=_facets(form, found),
        save_query=urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "page"]),
        pagination=_pagination(form, found),
        errors={FIELD_IDS.get(k, k): v for k, v in errors.items()},
        error_list=error_list(errors, FIELD_IDS),
    )


@bp.get("/opportunities/<role_id>")
def role(role_id: str) -> str:
    answer = api().get(f"/api/v1/opportunities/{role_id}")
    if answer.status == 404:
        abort(404)
    role = page(answer)
    organisation = api().get(f"/api/v1/organisations/{role['organisation_id']}")
    posting = api().get(f"/api/v1/open-data/roles/{role_id}/jobposting.jsonld")
    return render_template(
        "search/role.html",
        title=role["title"],
        nav="search",
        role=role,
        organisation=organisation.body if organisation.ok else None,
        job_posting=posting.body if posting.ok else None,
    )


def _miles_items(form: dict[str, Any]) -> list[dict[str, Any]]:
    items = [{"value": str(m), "text": f"Within {m} mile{'s' if m > 1 else ''}"} for m in MILES]
    if form["miles"] not in {str(m) for m in MILES}:  # from a shared link: keep it visible
        items.append({"value": form["miles"], "text": f"Within {form['miles']} miles"})
    return items


def _form() -> dict[str, Any]:
    args = request.args
    form: dict[str, Any] = {k: args.get(k, "").strip() for k in ("postcode", "q", "sort", "age")}
    form["miles"] = args.get("miles", str(DEFAULT_MILES))
    form["remote"] = args.get("remote", "include")
    for name in MULTI:
        form[name] = [v for v in args.getlist(name) if v]
    form["page"] = args.get("page", "1")
    return form


def _searched(form: dict[str, Any]) -> bool:
    return bool(request.args)


def _api_query(form: dict[str, Any]) -> list[tuple[str, Any]]:
    query: list[tuple[str, Any]] = [("per_page", PER_PAGE)]
    for name in ("postcode", "q", "sort", "age", "remote", "page"):
        if form[name]:
            query.append((name, form[name]))
    if form["postcode"]:
        query.append(("radius_km", _km(form["miles"])))
    for name in MULTI:
        if form[name]:
            query.append((name, ",".join(form[name])))
    return query


def _km(miles: str) -> str:
    try:
        return f"{float(miles) * KM_PER_MILE:.3f}"
    except ValueError:
        return miles  # the API names the problem


def _title(form: dict[str, Any], found: dict[str, Any] | None) -> str:
    if found is None:
        return "Search for volunteering"
    where = f" near {form['postcode'].upper()}" if form["postcode"] else ""
    return f"Volunteering{where}"


def _facets(form: dict[str, Any], found: dict[str, Any] | None) -> dict[str, list[dict[str, Any]]]:
    """Checkbox items for each filter: every value with matches, plus those already ticked."""
    counts = (found or {}).get("facets", {})
    out: dict[str, list[dict[str, Any]]] = {}
    for name in MULTI:
        values = dict(counts.get(name, {}))
        for chosen in form[name]:
            values.setdefault(chosen, 0)
        out[name] = [
            {"value": code, "count": n, "checked": code in form[name]}
            for code, n in sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
    return out


def _pagination(form: dict[str, Any], found: dict[str, Any] | None) -> dict[str, Any] | None:
    if not found or not found.get("total"):
        return None
    pages = -(-int(found["total"]) // PER_PAGE)
    current = int(found.get("page") or 1)
    if pages <= 1:
        return None

    def href(number: int) -> str:
        pairs = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
        return "/search?" + urlencode([*pairs, ("page", number)])

    shown = sorted({1, pages, *range(max(1, current - 2), min(pages, current + 2) + 1)})
    items: list[dict[str, Any]] = []
    for number in shown:
        if items and number - items[-1].get("number", number) > 1:
            items.append({"ellipsis": True})
        items.append({"number": number, "href": href(number), "current": number == current})
    out: dict[str, Any] = {"items": items}
    if current > 1:
        out["previous"] = {"href": href(current - 1)}
    if current < pages:
        out["next"] = {"href": href(current + 1)}
    return out
