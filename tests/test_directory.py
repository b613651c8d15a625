"""Directory queries: which services a category shows, in which order, and the filters."""

from datetime import date, datetime

import pytest

from kiosk.clock import BERLIN
from kiosk.models import Category, Location, Service
from kiosk.offers import directory
from kiosk.offers import seed as content_seed
from kiosk.offers.directory import AUDIENCE, CLOSED, HELP, LATER, LATER_TODAY, NO_TIMES, OFFER, OPEN_NOW

# Thursday 26 March 2026, 14:00 Berlin (winter time; summer time starts on Sunday the 29th).
THURSDAY_2PM = datetime(2026, 3, 26, 14, 0, tzinfo=BERLIN)


def weekly(*rules):
    return {"weekly": [{"weekday": d, "opens": o, "closes": c} for d, o, c in rules]}


@pytest.fixture
def shelf(app):
    """Shipped categories, one step-free place, and a handful of language offers."""
    with app.app_context():
        content_seed.seed_content()
        step_free = Location.create(name="Haus", street="Weg 1", postcode="10969", city="Berlin",
                                    step_free=True)
        specs = {
            "split hours, open now": dict(schedule=weekly((3, "09:00", "12:00"), (3, "13:30", "15:00")),
                                          languages="de,tr", free=True),
            "tonight across midnight": dict(schedule=weekly((3, "22:00", "02:00")), languages="ar",
                                            location=step_free),
            "friday": dict(schedule=weekly((4, "10:00", "11:00")), languages="de"),
            "monthly 2nd tuesday": dict(schedule=
                {"monthly": [{"nth": 2, "weekday": 1, "opens": "17:00", "closes": "19:00"}]}),
            "appointment only": dict(by_appointment=True, free=True, location=step_free),
            "closed for now": dict(schedule=weekly((3, "09:00", "18:00")), status="temporarily closed"),
            "hidden": dict(schedule=weekly((3, "09:00", "18:00")), hidden=True),
        }
        language = directory.category_by_key(OFFER, "language")
        seniors = directory.category_by_key(AUDIENCE, "seniors")
        for name, fields in specs.items():
            for_seniors = [(AUDIENCE, "seniors")] if name == "friday" else []
            content_seed.add_service({"name": name, **fields}, [(OFFER, "language")] + for_seniors, [])
        yield {"language": language, "seniors": seniors}


def names(cards):
    return [card.service.name for card in cards]


def test_open_now_first_then_later_today_then_by_next_opening(app, shelf):
    with app.app_context():
        cards = directory.cards(directory.services_in(shelf["language"]), THURSDAY_2PM)
    assert names(cards) == [
        "split hours, open now", "tonight across midnight", "friday", "monthly 2nd tuesday",
        "appointment only", "closed for now",
    ]
    assert [card.group for card in cards] == [OPEN_NOW, LATER_TODAY, LATER, LATER, NO_TIMES, CLOSED]


def test_between_split_hours_the_second_window_is_later_today(app, shelf):
    at_lunch = THURSDAY_2PM.replace(hour=12, minute=45)
    with app.app_context():
        cards = directory.cards(directory.services_in(shelf["language"]), at_lunch)
    assert (cards[0].service.name, cards[0].group) == ("split hours, open now", LATER_TODAY)
    assert cards[0].window.start == at_lunch.replace(hour=13, minute=30)


def test_a_window_past_midnight_is_open_in_the_small_hours(app, shelf):
    friday_1am = datetime(2026, 3, 27, 1, 0, tzinfo=BERLIN)
    with app.app_context():
        cards = directory.cards(directory.services_in(shelf["language"]), friday_1am)
    assert (cards[0].service.name, cards[0].group) == ("tonight across midnight", OPEN_NOW)


def test_filters_language_free_step_free(app, shelf):
    with app.app_context():
        services = directory.services_in(shelf["language"])
        by_language = directory.cards(services, THURSDAY_2PM, directory.Filters(language="de"))
        free = directory.cards(services, THURSDAY_2PM, directory.Filters(free=True))
        step_free = directory.cards(services, THURSDAY_2PM, directory.Filters(step_free=True))
        both = directory.cards(services, THURSDAY_2PM, directory.Filters(free=True, step_free=True))
    assert names(by_language) == ["split hours, open now", "friday"]
    assert names(free) == ["split hours, open now", "appointment only"]
    assert names(step_free) == ["tonight across midnight", "appointment only"]
    assert names(both) == ["appointment only"]


def test_a_target_group_keeps_the_services_for_everybody(app, shelf):
    with app.app_context():
        Category.create(kind=AUDIENCE, key="youth", name="Jugend")
        services = directory.services_in(shelf["language"])
        seniors = directory.cards(services, THURSDAY_2PM, directory.Filters(audience="seniors"))
        youth = directory.cards(services, THURSDAY_2PM, directory.Filters(audience="youth"))
    assert "friday" in names(seniors)  # for seniors
    assert "split hours, open now" in names(seniors)  # for everybody
    assert "friday" not in names(youth)


def test_hidden_services_never_show(app, shelf):
    with app.app_context():
        hidden = Service.get(Service.name == "hidden")
        assert "hidden" not in names(directory.cards(directory.services_in(shelf["language"]),
                                                     THURSDAY_2PM))
        assert directory.visible_service(hidden.id, OFFER) is None
        assert directory.visible_services([hidden.id]) == []


def test_a_service_opens_only_on_the_side_it_belongs_to(app, shelf):
    with app.app_context():
        friday = Service.get(Service.name == "friday")
        assert directory.visible_service(friday.id, OFFER) == friday
        assert directory.visible_service(friday.id, HELP) is None
        assert directory.kinds_of(friday) == {OFFER}


@pytest.mark.parametrize("args, expected", [
    ({}, directory.Filters()),
    ({"lang": "tr", "free": "1"}, directory.Filters(language="tr", free=True)),
    ({"lang": "xx", "group": "nobody", "free": "yes", "stepfree": "1"},
     directory.Filters(step_free=True)),
    ({"lang": "<script>", "group": "seniors"}, directory.Filters(audience="seniors")),
])
def test_parse_filters_drops_unknown_values_calmly(args, expected):
    assert directory.parse_filters(args, ["de", "tr"], ["seniors"]) == expected


def test_filter_links_toggle_one_value():
    filters = directory.Filters(language="tr", free=True)
    assert filters.toggled(free=True) == {"lang": "tr"}
    assert filters.toggled(language="ar") == {"lang": "ar", "free": "1"}
    assert filters.toggled(language="tr") == {"free": "1"}
    assert directory.Filters().toggled(step_free=True) == {"stepfree": "1"}


def test_filter_choices_offer_only_what_finds_something(app, shelf):
    with app.app_context():
        services = directory.services_in(shelf["language"])
        languages, groups = directory.filter_choices(services, directory.audiences_by_service(services))
    assert languages == ["de", "ar", "tr"]  # German first
    assert [group.key for group in groups] == ["seniors"]


@pytest.mark.parametrize("day, months, expected", [
    (date(2026, 8, 31), 6, date(2026, 2, 28)),
    (date(2026, 3, 15), 6, date(2025, 9, 15)),
    (date(2028, 8, 29), 6, date(2028, 2, 29)),
])
def test_months_before(day, months, expected):
    assert directory.months_before(day, months) == expected


def test_needs_checking_lists_unchecked_and_older_than_six_months(app):
    with app.app_context():
        Service.create(name="never checked")
        Service.create(name="old", last_checked=date(2026, 1, 31))
        Service.create(name="fresh", last_checked=date(2026, 2, 1))
        found = directory.needs_checking(date(2026, 8, 1))
    assert [service.name for service in found] == ["never checked", "old"]


def test_language_names_are_in_their_own_language():
    assert directory.language_name("tr") == "Türkçe"
    assert directory.language_name("de") == "Deutsch"
    assert directory.language_name("ar") == "العربية"
    assert directory.is_language_code("ku") and not directory.is_language_code("xx-evil")


def test_vcard_contact_of_the_shipped_kiez_plus(app):
    with app.app_context():
        content_seed.seed_content()
        service = Service.get(Service.uid == content_seed.KIEZ_PLUS_UID)
        contact = directory.contact_for(service, directory.phones_of(service), "Do 11:00–12:30")
    assert contact.organisation == "Wassertor e.V."
    assert [phone.number for phone in contact.phones] == ["+493067796086", "+493061656486"]
    assert contact.phones[1].types == ("WORK", "FAX")
    assert (contact.street, contact.postcode, contact.city) == ("Oranienstr. 72", "10969", "Berlin")
    assert contact.email == "info@wassertor.org"
