import pytest

from hadath.events import gazetteer
from hadath.events.gazetteer import lookup_place, nationality, org_sector


@pytest.mark.parametrize("word, code", [
    ("الإسرائيلي", "ISR"), ("المصرية", "EGY"), ("الأمريكيين", "USA"), ("الأميركي", "USA"),
    ("والقطري", "QAT"), ("السلوفاكي", "SVK"), ("مسؤول", None),
])
def test_nationality_adjectives(word, code):
    assert nationality(word) == code


def test_cities_have_coordinates_and_countries():
    rafah = lookup_place("رفح")
    assert (rafah.country, round(rafah.lat), round(rafah.lon)) == ("PSE", 31, 34)
    assert lookup_place("وواشنطن").name_en == "Washington"


def test_countries_come_from_pycountry_with_common_aliases():
    assert lookup_place("مصر").country == "EGY"
    assert lookup_place("الولايات المتحدة").country == "USA"
    assert lookup_place("سلوفاكيا").country == "SVK"
    assert lookup_place("القمر") is None


def test_org_sectors():
    assert org_sector("الجيش الإسرائيلي") == "military"
    assert org_sector("صحيفة هآرتس") == "media"
    assert org_sector("مجلس الأمن") == "international org"


def test_known_people_get_their_latin_name_by_distinctive_last_name_or_full_name():
    assert gazetteer.person_latin("ستيف ويتكوف") == "Steve Witkoff"
    assert gazetteer.person_latin("ويتكوف") == "Steve Witkoff"
    assert gazetteer.person_latin("محمود عباس") == "Mahmoud Abbas"
    assert gazetteer.person_latin("علي عباس") is None  # a common last name alone says nothing
    assert gazetteer.country_name_en("ISR") == "Israel"
