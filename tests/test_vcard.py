"""vCard 3.0 text: escaping, folding at 75 octets, CRLF; German phone numbers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

import vobject

from kiosk.offers.phones import ascii_digits, is_mobile, normalise_phone, readable_phone, tel_uri
from kiosk.offers.vcard import Contact, Phone, build_vcard, escape_text, fold_line

# True facts from the project sheet.
KIEZ_PLUS = Contact(
    name="Kiez+ Sprechstunde",
    organisation="Wassertor e.V.",
    phones=(Phone("030 677 960 86"),),
    email="info@wassertor.org",
    street="Oranienstr. 72",
    postcode="10969",
    city="Berlin",
    country="Deutschland",
    note="Do 11:00–12:30\nund nach Vereinbarung",
)


def unfold(text: str) -> str:
    return text.replace("\r\n ", "")


def test_vcard_for_the_drop_in():
    assert build_vcard(KIEZ_PLUS) == (
        "BEGIN:VCARD\r\n"
        "VERSION:3.0\r\n"
        "N:Kiez+ Sprechstunde;;;;\r\n"
        "FN:Kiez+ Sprechstunde\r\n"
        "ORG:Wassertor e.V.\r\n"
        "TEL;TYPE=WORK,VOICE:+493067796086\r\n"
        "EMAIL;TYPE=INTERNET:info@wassertor.org\r\n"
        "ADR;TYPE=WORK:;;Oranienstr. 72;Berlin;;10969;Deutschland\r\n"
        "NOTE:Do 11:00–12:30\\nund nach Vereinbarung\r\n"
        "END:VCARD\r\n"
    )


def test_only_non_empty_fields_and_several_phones():
    card = build_vcard(
        Contact(
            name="Telefonseelsorge",
            phones=(Phone("0800 111 0 111", ("VOICE",)), Phone("0800 111 0 222", ("VOICE",))),
            url="https://www.telefonseelsorge.de",
        )
    )
    assert card.splitlines() == [
        "BEGIN:VCARD",
        "VERSION:3.0",
        "N:Telefonseelsorge;;;;",
        "FN:Telefonseelsorge",
        "TEL;TYPE=VOICE:+498001110111",
        "TEL;TYPE=VOICE:+498001110222",
        "URL:https://www.telefonseelsorge.de",
        "END:VCARD",
    ]


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("Beratung, Hilfe", "Beratung\\, Hilfe"),
        ("Mo; Di", "Mo\\; Di"),
        ("C:\\Pfad", "C:\\\\Pfad"),
        ("Zeile 1\nZeile 2", "Zeile 1\\nZeile 2"),
        ("Zeile 1\r\nZeile 2\rZeile 3", "Zeile 1\\nZeile 2\\nZeile 3"),
        ("\\,", "\\\\\\,"),  # backslash escaped first, so its comma stays a separate escape
        ("Müller Straße", "Müller Straße"),
    ],
)
def test_escape_text(text, escaped):
    assert escape_text(text) == escaped


def test_structured_values_escape_inside_their_components():
    card = build_vcard(Contact(name="A; B, C", street="Hof 2; Aufgang B", city="Berlin"))
    assert "N:A\\; B\\, C;;;;\r\n" in card
    assert "ADR;TYPE=WORK:;;Hof 2\\; Aufgang B;Berlin;;;\r\n" in card


def test_lines_end_with_crlf_only():
    card = build_vcard(KIEZ_PLUS)
    assert card.endswith("END:VCARD\r\n")
    assert card.count("\n") == card.count("\r\n") == card.count("\r")


def test_long_multibyte_note_is_folded_at_75_octets_without_splitting_characters():
    note = "Kadın Danışma Merkezi, İstanbul Şişli – مركز الاستشارة – Müller Straße" * 4
    card = build_vcard(Contact(name="Beispiel (kein echter Eintrag)", note=note))
    physical_lines = card.split("\r\n")[:-1]
    assert any(line.startswith(" ") for line in physical_lines)  # it was folded
    for line in physical_lines:
        assert len(line.encode("utf-8")) <= 75
        line.encode("utf-8").decode("utf-8")  # each line is whole characters
    assert f"NOTE:{escape_text(note)}" in unfold(card).split("\r\n")


def test_fold_line_fills_lines_exactly():
    assert fold_line("x" * 75) == "x" * 75
    assert fold_line("x" * 76) == "x" * 75 + "\r\n x"
    assert fold_line("x" * 74 + "ü") == "x" * 74 + "\r\n ü"  # ü is 2 octets: would make 76
    assert fold_line("x" * 149) == "x" * 75 + "\r\n " + "x" * 74


@given(st.text(st.characters(blacklist_categories=("Cs",)), max_size=400))
def test_fold_line_is_undone_by_unfolding(text):
    folded = fold_line(text)
    assert unfold(folded) == text
    assert all(len(line.encode("utf-8")) <= 75 for line in folded.split("\r\n"))


def test_bad_contacts_are_refused():
    with pytest.raises(ValueError, match="name"):
        build_vcard(Contact(name=" "))
    with pytest.raises(ValueError, match="TEL type"):
        build_vcard(Contact(name="X", phones=(Phone("112", ("WORK;X-EVIL=1",)),)))
    with pytest.raises(ValueError, match="web address"):
        build_vcard(Contact(name="X", url="https://example.org/a b"))
    with pytest.raises(ValueError, match="phone"):
        build_vcard(Contact(name="X", phones=(Phone("0800-FLOWERS"),)))


# --- phone numbers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "normalised"),
    [
        ("030 677 960 86", "+493067796086"),
        ("030/67796086", "+493067796086"),
        ("(030) 677-960-86", "+493067796086"),
        ("030.677.960.86", "+493067796086"),
        ("+49 30 677 960 86", "+493067796086"),
        ("+49 (0)30 677 960 86", "+493067796086"),
        ("0049 30 67796086", "+493067796086"),
        ("  030\u00a0677 960 86 ", "+493067796086"),
        ("0800 111 0 111", "+498001110111"),
        ("0800 111 0 222", "+498001110222"),
        ("110", "110"),
        ("112", "112"),
        ("116 117", "116117"),
        ("116016", "116016"),
        ("01520 1234567", "+4915201234567"),  # dummy subscriber digits, real mobile prefix
        ("0331 9876543", "+493319876543"),
        ("040 428 280", "+4940428280"),
        ("+٤٩ ٣٠ ٦٧٧٩٦٠٨٦", "+493067796086"),  # Arabic-Indic digits
        ("۰۳۰ ۶۷۷ ۹۶۰ ۸۶", "+493067796086"),  # Persian (Extended Arabic-Indic) digits
        ("＋４９ ３０ ６７７ ９６０ ８６", "+493067796086"),  # full-width
        ("١١٦ ١١٧", "116117"),
    ],
)
def test_normalise_phone(typed, normalised):
    assert normalise_phone(typed) == normalised


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "0800-FLOWERS",
        "030 677 960 86 ext. 5",
        "++49 30 67796086",
        "49+3067796086",
        "67796086",  # no area code
        "123",
        "0",
        "+49",
        "+49 30 1234567890123456",  # longer than E.164 allows
        "030 677 960 86; 112",
        "0800-ＦＬＯＷＥＲＳ",
        "030 ٦٧٧ 960 86 ext ٥",
        "+90 000 000 00 00",  # no such Turkish area code
        "0000 12345",
    ],
)
def test_normalise_phone_rejects(typed):
    with pytest.raises(ValueError):
        normalise_phone(typed)


@pytest.mark.parametrize(
    ("typed", "readable"),
    [
        ("+493067796086", "030 677 960 86"),
        ("0800 111 0 111", "0800 111 0111"),
        ("0170 0000000", "0170 000 0000"),  # mobile prefix recognised; digits are a dummy
        ("116117", "116 117"),
        ("112", "112"),
        # issue 14: the area code comes from phonenumbers, not from a short list of our own
        ("+4915201234567", "01520 123 4567"),
        ("+493319876543", "0331 987 6543"),
        ("+4940428280", "040 428 280"),
        ("+492210000000", "0221 000 0000"),
        ("+902120000000", "+90 212 000 00 00"),  # foreign: the international form
        ("+٤٩٣٠٦٧٧٩٦٠٨٦", "030 677 960 86"),  # an old row stored before digits were normalised
        ("not a number", "not a number"),  # an odd old row still shows, never a 500
    ],
)
def test_readable_phone(typed, readable):
    assert readable_phone(typed) == readable


def test_mobile_numbers_are_told_by_their_prefix():
    assert is_mobile("+4915201234567") and is_mobile("0170 0000000")
    assert not is_mobile("+493067796086") and not is_mobile("116117") and not is_mobile("x")


def test_ascii_digits():
    assert ascii_digits("٠١٢٣٤٥٦٧٨٩ ۰۱۲ ０１２ ＋ a-b") == "0123456789 012 012 + a-b"


def test_tel_uri():
    assert tel_uri("030 677 960 86") == "tel:+493067796086"
    assert tel_uri("116 117") == "tel:116117"


# --- web addresses, as a standard vCard reader (vobject) sees them ------------------------------


def parsed(contact):
    return vobject.readOne(build_vcard(contact))


def test_a_web_address_with_commas_and_semicolons_reaches_a_vcard_reader_whole():
    url = "https://example.org/a;b,c?x=1;y=2,3"
    card = parsed(Contact(name="Beispiel (kein echter Eintrag)", url=url))
    assert card.url.value == "https://example.org/a%3Bb%2Cc?x=1%3By=2%2C3"


def test_every_field_survives_a_standard_vcard_reader():
    contact = Contact(
        name="Beratung; Hilfe, Rat – Danışma مركز", organisation="Beispiel e.V. (kein echter Eintrag)",
        phones=(Phone("030 677 960 86"), Phone("+٤٩ ١٥٢٠ ١٢٣٤٥٦٧", ("CELL",))),
        email="beratung.und.hilfe.fuer.alle@beispiel-verein.example",
        street="Oranienstr. 72; Hinterhaus, 3. OG", postcode="10969", city="Berlin",
        url="https://xn--brgeramt-65a.example/stra%C3%9Fe?a=1,2;b", note="Mo 9–12\nDi, Mi; Do",
    )
    card = parsed(contact)
    assert card.fn.value == contact.name
    assert card.org.value == [contact.organisation]
    assert [tel.value for tel in card.tel_list] == ["+493067796086", "+4915201234567"]
    assert card.email.value == contact.email
    assert card.adr.value.street == contact.street and card.adr.value.code == "10969"
    assert card.url.value == "https://xn--brgeramt-65a.example/stra%C3%9Fe?a=1%2C2%3Bb"
    assert card.note.value == contact.note
