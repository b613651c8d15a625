"""Walking the URL map: tests that cover every route, including the ones added after them."""

from werkzeug.routing import AnyConverter, IntegerConverter, PathConverter

# A value each converter accepts, so a URL reaches its view instead of a 404 from the router.
SAMPLE_VALUES = {IntegerConverter: 1, PathConverter: "some/file.txt"}


def sample_values(rule):
    """A plausible value for each argument of ``rule``: 1 for <int:…>, "x" for text, the first
    choice of <any(…)>."""
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = sorted(converter.items)[0]
        else:
            values[name] = next((value for kind, value in SAMPLE_VALUES.items()
                                 if isinstance(converter, kind)), "x")
    return values


def sample_url(app, rule, **values):
    """A URL for ``rule`` with the sample values, or the ``values`` given."""
    values = {**sample_values(rule), **values}
    return app.url_map.bind("localhost").build(rule.endpoint, values, method=sorted(rule.methods)[0])


def rules(app, prefix="", methods=None):
    """The rules under ``prefix`` (those that accept one of ``methods``, when given)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(prefix) and (methods is None or rule.methods & set(methods)):
            found.append(rule)
    return found
