"""Fictional organisations. Any resemblance to a real charity's name is accidental.

Charity numbers have the real formats but sit in ranges not yet issued: England and
Wales 125xxxx-126xxxx, Scotland SC057xxx-SC058xxx. ``area`` says where each one places
roles: its branches, or a whole region or country for national charities.
"""

from __future__ import annotations

from services.opportunities.demo.organisations_local import LOCAL
from services.opportunities.demo.templates import CENTRE, CHARITY, PUBLIC, OrgTemplate
from services.opportunities.demo.templates import org as _org

ENGLAND_WALES = "country:England country:Wales"

ORGANISATIONS: tuple[OrgTemplate, ...] = (
    # National and multi-region charities
    _org(
        "Hearthside Befriending Network",
        CHARITY,
        "leeds",
        ENGLAND_WALES,
        "befriender_home phone_befriender lunch_club volunteer_driver good_neighbour "
        "digital_buddy trustee data_volunteer",
        """A network of local befriending schemes across England and Wales tackling
         loneliness among older people through home visits, phone calls and lunch clubs.""",
        "1257341",
        "OlderPeople",
    ),
    _org(
        "Open Pages Reading Partners",
        CHARITY,
        "birmingham",
        "country:England",
        "reading_helper online_reading social_media web_helper",
        """We recruit and train volunteers to read with primary school children who are
         falling behind, in school and online.""",
        "1261187",
        "YouthAndChildren LiteracyNeeds",
    ),
    _org(
        "Second Chapter Cancer Support",
        CHARITY,
        "bristol",
        ENGLAND_WALES,
        "shop_assistant donation_sorter online_seller street_collection fun_run_marshal "
        "treasurer web_helper data_volunteer",
        """Practical and emotional support for people living with cancer and their
         families, funded by our charity shops and community fundraising.""",
        "1258820",
        "Health Illness",
    ),
    _org(
        "Wild Spaces Conservation Volunteers",
        CHARITY,
        "sheffield",
        "country:England country:Wales country:Scotland",
        "conservation_task tree_planting wildlife_survey path_team litter_pick beach_clean "
        "data_volunteer",
        """Practical conservation across Great Britain: our volunteer teams care for
         woodlands, wetlands, coasts and urban green spaces.""",
        "1253902",
        "Environment",
    ),
    _org(
        "Northern Compass Youth Trust",
        CHARITY,
        "manchester",
        "region:North_West region:Yorkshire_and_the_Humber region:North_East region:West_Midlands",
        "youth_club youth_mentor homework_online youth_ambassador junior_football holiday_club",
        """Youth clubs, mentoring and holiday programmes for young people in the North
         and Midlands, with a focus on neighbourhoods with the least provision.""",
        "1264415",
        "YouthAndChildren",
    ),
    _org(
        "The Listening Lamp",
        CHARITY,
        "southwark",
        "southwark birmingham manchester leeds bristol newcastle cardiff glasgow edinburgh "
        "norwich nottingham plymouth brighton inverness aberdeen",
        "helpline_listener chat_listener street_collection trustee",
        """A confidential listening service, open every evening, run by trained volunteers
         from branches across Great Britain and from home.""",
        "1255078",
        "MentalHealth",
    ),
    _org(
        "Welcome Table Refugee Network",
        CHARITY,
        "birmingham",
        "birmingham coventry wolverhampton leicester derby nottingham stoke hackney croydon "
        "cardiff swansea newport-wales",
        "conversation_club online_english welcome_desk translator trustee",
        """Drop-ins, English classes and friendship for refugees and people seeking
         asylum in cities across England and Wales.""",
        "1262650",
        "RefugeesAsylumSeekers",
    ),
    _org(
        "Cairn Befriending Scotland",
        CHARITY,
        "perth",
        "country:Scotland",
        "befriender_home phone_befriender volunteer_driver memory_cafe good_neighbour "
        "digital_buddy",
        """Befriending, transport and memory cafes for older people in towns, glens and
         islands across Scotland.""",
        "SC058214",
        "OlderPeople",
    ),
    # Volunteer centres
    _org(
        "Bankside Volunteer Centre",
        CENTRE,
        "southwark",
        "southwark brixton lewisham",
        "vc_desk litter_pick community_champion event_steward emergency_responder run_marshal "
        "social_media",
        """The volunteer centre for north Southwark and Lambeth: we help local people find
         volunteering and help local groups recruit and support volunteers.""",
        "1259904",
    ),
    _org(
        "Greater Manchester Volunteer Point",
        CENTRE,
        "manchester",
        "manchester bolton stockport",
        "vc_desk litter_pick emergency_responder community_champion run_marshal",
        """Free advice for anyone who wants to volunteer in Manchester, Bolton and
         Stockport, plus training and support for the groups that involve them.""",
        "1266031",
    ),
    _org(
        "Steel Valley Volunteer Centre",
        CENTRE,
        "sheffield",
        "sheffield chesterfield doncaster",
        "vc_desk flood_warden community_champion litter_pick lunch_club run_marshal",
        """Connecting people in Sheffield and the surrounding valleys with hundreds of
         volunteering opportunities.""",
        "1260483",
    ),
    _org(
        "Cardiff Volunteer Connect",
        CENTRE,
        "cardiff",
        "cardiff newport-wales",
        "vc_desk litter_pick event_steward flood_warden run_marshal repair_cafe",
        """Helping people in Cardiff and Newport volunteer, in English or Welsh, and
         supporting local groups to involve volunteers well.""",
        "1260117",
    ),
    _org(
        "Edinburgh Volunteer Gateway",
        CENTRE,
        "edinburgh",
        "edinburgh kirkcaldy",
        "vc_desk event_steward community_champion emergency_responder",
        """Edinburgh's volunteering hub: find a role, get advice on volunteers' rights,
         and join our festival volunteering programme.""",
        "SC058690",
    ),
    # Public bodies
    _org(
        "Pennine and Dales Hospitals NHS Trust",
        PUBLIC,
        "leeds",
        "leeds bradford huddersfield harrogate",
        "hospital_ward hospital_welcome patient_transport",
        """Our volunteers support patients, visitors and staff across four hospitals in
         West and North Yorkshire.""",
    ),
    _org(
        "North Highland Community Health Partnership",
        PUBLIC,
        "inverness",
        "inverness elgin thurso portree stornoway fort-william",
        "hospital_welcome patient_transport hospital_ward",
        """Community hospitals and health services across the north Highlands and Western
         Isles, where volunteers help patients cover long distances to care.""",
    ),
    _org(
        "Mercia Library Service",
        PUBLIC,
        "wolverhampton",
        "birmingham coventry wolverhampton worcester hereford telford shrewsbury",
        "digital_buddy code_club home_library archive_transcription",
        """Public libraries across the West Midlands: books, digital help, archives and
         activities for all ages, supported by hundreds of volunteers.""",
    ),
    _org(
        "Tees and Wear Museums",
        PUBLIC,
        "sunderland",
        "newcastle sunderland middlesbrough durham",
        "museum_guide heritage_open_day archive_transcription photo_tagging",
        """A family of free museums and galleries telling the story of shipbuilding,
         mining, art and everyday life in the North East.""",
    ),
    _org(
        "Forth Valley Countryside Ranger Service",
        PUBLIC,
        "stirling",
        "stirling perth kirkcaldy edinburgh glasgow",
        "assistant_ranger conservation_task litter_pick wildlife_survey",
        """Rangers caring for country parks, nature reserves and paths across the Forth
         Valley and Fife, with volunteers at the heart of our work.""",
    ),
    *LOCAL,
)
