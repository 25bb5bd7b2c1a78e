from django import template

from study.services.points import number

register = template.Library()


@register.filter
def points(value):
    """A number of points as people write it: 0.5, 10, 12.5."""
    return "" if value is None else number(value)
