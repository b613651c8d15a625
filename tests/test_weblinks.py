"""Web addresses written as valid URIs (issue 15): IDNA host, percent-encoded parts, slips refused."""

import pytest

from kiosk.offers.weblinks import NotAWebAddress, is_web_uri, web_uri


@pytest.mark.parametrize(
    ("typed", "uri"),
    [
        ("https://www.telefonseelsorge.de", "https://www.telefonseelsorge.de"),
        ("  HTTPS://Example.ORG/Pfad?x=1#oben ", "https://example.org/Pfad?x=1#oben"),
        ("https://bürgeramt.example/straße", "https://xn--brgeramt-65a.example/stra%C3%9Fe"),
        ("https://example.org/a;b,c?x=1;y=2,3", "https://example.org/a;b,c?x=1;y=2,3"),
        ("https://example.org/مركز?ş=ğ", "https://example.org/%D9%85%D8%B1%D9%83%D8%B2?%C5%9F=%C4%9F"),
        ("https://example.org/100%/50%25", "https://example.org/100%25/50%25"),  # a stray % is encoded
        ("https://example.org:8443/{x}|^", "https://example.org:8443/%7Bx%7D%7C%5E"),
        ("http://example.org/", "http://example.org/"),
    ],
)
def test_addresses_become_valid_uris(typed, uri):
    assert web_uri(typed) == uri
    assert is_web_uri(uri)
    assert web_uri(uri) == uri  # writing it again changes nothing


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("www.example.org", "scheme"),
        ("ftp://example.org/", "scheme"),
        ("javascript:alert(1)", "scheme"),
        ("https://", "scheme"),
        ("https://user:pass@example.org/", "scheme"),
        ("https://example.org/a b", "characters"),
        ('https://example.org/"x"', "characters"),
        ("https://example.org/<script>", "characters"),
        ("https://example.org\\pfad", "characters"),
        ("https://example.org:port/", "characters"),
        ("https://exa_mple.org/", "characters"),
    ],
)
def test_what_cannot_be_a_web_address_is_refused(typed, reason):
    with pytest.raises(NotAWebAddress) as refused:
        web_uri(typed)
    assert refused.value.reason == reason


@pytest.mark.parametrize("text", [
    "https://bürgeramt.example/", "https://example.org/straße", 'https://example.org/"',
    "https://example.org/%zz", "https://example.org/" + "a" * 500, "mailto:info@example.org",
])
def test_is_web_uri_accepts_only_the_written_form(text):
    assert not is_web_uri(text)
