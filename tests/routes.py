"""Walking the URL map: tests that cover every route, including the ones added after them."""

from werkzeug.routing import IntegerConverter, PathConverter

# A value each converter accepts, so a URL reaches its view instead of a 404 from the router.
SAMPLE_VALUES = {IntegerConverter: 1, PathConverter: "some/file.txt"}


def sample_url(app, rule, **values):
    """A URL for ``rule`` with a plausible value for each argument (1 for <int:…>, "x" for text)."""
    for name in rule.arguments:
        if name not in values:
            converter = rule._converters[name]
            values[name] = SAMPLE_VALUES.get(type(converter), "x")
    with app.test_request_context():
        return app.url_map.bind("localhost").build(rule.endpoint, values, method=next(iter(rule.methods)))


def rules(app, prefix="", methods=None):
    """The rules under ``prefix`` (those that accept one of ``methods``, when given)."""
    found = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(prefix) and (methods is None or rule.methods & set(methods)):
            found.append(rule)
    return found
