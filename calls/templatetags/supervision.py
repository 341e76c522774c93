"""The supervision bar on every page (base.html), read from the database at each render."""

from django import template

from calls.supervision.selectors import bar_supervision

register = template.Library()


@register.inclusion_tag("supervision/_bar.html", takes_context=True)
def supervision_bar(context: template.Context) -> dict:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"supervision": bar_supervision(user), "request": request, "csrf_token": context.get("csrf_token")}
