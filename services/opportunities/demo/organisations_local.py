"""Fictional local charities and community groups, listed after ``organisations``' own."""

from __future__ import annotations

from services.opportunities.demo.templates import CHARITY, GROUP, OrgTemplate, org

LOCAL: tuple[OrgTemplate, ...] = (
    # Local charities and community groups
    org(
        "Riverside Food Bank",
        CHARITY,
        "southwark",
        "southwark lewisham brixton",
        "foodbank_warehouse foodbank_session foodbank_driver supermarket_collection "
        "hamper_packing money_advice office_admin",
        """Emergency food, and help with the causes of crisis, for people in Southwark,
         Lambeth and Lewisham, from six distribution centres.""",
        "1254876",
        "AntiPoverty",
    ),
    org(
        "Aire Valley Food Bank",
        CHARITY,
        "bradford",
        "bradford leeds huddersfield skipton",
        "foodbank_warehouse foodbank_session foodbank_driver supermarket_collection "
        "cargo_bike hamper_packing social_media",
        """Food parcels, fuel vouchers and advice for households in crisis from Skipton
         to south Leeds.""",
        "1263309",
        "AntiPoverty",
    ),
    org(
        "Tyne Community Pantry",
        CHARITY,
        "newcastle",
        "newcastle sunderland durham hexham",
        "foodbank_warehouse foodbank_session community_kitchen cargo_bike "
        "supermarket_collection grant_writer",
        """Low-cost community pantries and a food bank for Tyneside, Wearside and the
         Tyne Valley.""",
        "1256712",
        "AntiPoverty",
    ),
    org(
        "Clyde Street Kitchen",
        CHARITY,
        "glasgow",
        "glasgow ayr stirling",
        "community_kitchen outreach_run foodbank_warehouse supermarket_collection money_advice "
        "translator online_english",
        """Hot meals, outreach and advice for people who are homeless or struggling in
         Glasgow and the west of Scotland.""",
        "SC057931",
        "Housing AntiPoverty",
    ),
    org(
        "Friends of Hallam Woods",
        GROUP,
        "sheffield",
        "sheffield buxton chesterfield",
        "conservation_task tree_planting wildlife_survey litter_pick",
        """A volunteer group caring for the ancient woodlands on Sheffield's western edge
         and out into the Peak District.""",
        None,
        "Environment",
    ),
    org(
        "Mersey Shore Beach Care",
        GROUP,
        "liverpool",
        "liverpool chester blackpool preston",
        "beach_clean litter_pick litter_champion wildlife_survey",
        """Residents keeping the beaches, dunes and riverside of Merseyside and the
         Fylde coast clean and wild.""",
        None,
        "Environment",
    ),
    org(
        "Highland Hill Rescue Support",
        CHARITY,
        "aviemore",
        "aviemore inverness fort-william portree oban",
        "rescue_base rescue_fundraiser social_media",
        """The support group behind two volunteer mountain rescue teams in the
         Cairngorms and Lochaber: base crew, fundraisers and supporters.""",
        "SC058377",
        "SportOutdoorActivities",
    ),
    org(
        "Northern Fells Rescue Support Group",
        CHARITY,
        "keswick",
        "keswick kendal lancaster carlisle barrow",
        "rescue_base rescue_fundraiser path_team",
        """Supporting the volunteer mountain rescue teams of the northern and central
         Lake District.""",
        "1252644",
        "SportOutdoorActivities",
    ),
    org(
        "Beacons Search and Rescue Friends",
        CHARITY,
        "brecon",
        "brecon llandrindod carmarthen aberystwyth",
        "rescue_base rescue_fundraiser path_team treasurer",
        """Friends and supporters of the volunteer search and rescue teams covering the
         Brecon Beacons and mid Wales uplands.""",
        "1265538",
        "SportOutdoorActivities",
    ),
    org(
        "Bristol Harbourside Heritage Trust",
        CHARITY,
        "bristol",
        "bristol bath",
        "museum_guide heritage_open_day archive_transcription trustee social_media photo_tagging",
        """Caring for historic ships, cranes and warehouses on Bristol's harbourside and
         sharing their stories with visitors.""",
        "1258119",
        "Heritage",
    ),
    org(
        "Sound Shores Beach Guardians",
        GROUP,
        "plymouth",
        "plymouth truro penzance barnstaple exeter",
        "beach_clean litter_pick litter_champion wildlife_survey",
        """A community group organising beach cleans and marine wildlife surveys along
         the Devon and Cornwall coasts.""",
        None,
        "Environment",
    ),
    org(
        "Broadland Wildlife Friends",
        CHARITY,
        "norwich",
        "norwich cromer kings-lynn bury-st-edmunds ipswich",
        "conservation_task wildlife_survey tree_planting assistant_ranger",
        """Protecting fens, broads, heaths and the north Norfolk coast through practical
         volunteering and wildlife recording.""",
        "1251873",
        "Environment",
    ),
    org(
        "Fenland Rural Transport",
        CHARITY,
        "boston",
        "boston kings-lynn peterborough lincoln skegness",
        "volunteer_driver good_neighbour office_admin trustee grant_writer phone_befriender",
        """Volunteer car schemes and dial-a-ride for villages across the Fens and the
         Lincolnshire coast, where buses are few and far between.""",
        "1260771",
        "OlderPeople LocalCommunity",
    ),
    org(
        "Cam Valley Learning Hub",
        CHARITY,
        "cambridge",
        "cambridge peterborough bury-st-edmunds luton milton-keynes",
        "homework_club homework_online conversation_club reading_helper office_admin "
        "online_reading",
        """Free homework clubs, tutoring and English classes for children and adults who
         need a boost with learning.""",
        "1263875",
        "EducationLanguages",
    ),
    org(
        "Trent Valley Age Well",
        CHARITY,
        "nottingham",
        "nottingham derby leicester lincoln northampton",
        "befriender_home lunch_club memory_cafe care_home_activities walk_leader grant_writer "
        "phone_befriender",
        """Helping older people across the East Midlands stay connected, active and
         well.""",
        "1255469",
        "OlderPeople",
    ),
    org(
        "Ancoats Community Kitchen",
        CHARITY,
        "manchester",
        "manchester bolton stockport",
        "community_kitchen outreach_run foodbank_session money_advice translator",
        """A community kitchen and outreach service for people who are homeless or in
         food poverty in Greater Manchester.""",
        "1264980",
        "Housing AntiPoverty",
    ),
    org(
        "Larkfield Hospice",
        CHARITY,
        "preston",
        "preston blackpool lancaster bolton",
        "shop_assistant donation_sorter furniture_van fun_run_marshal street_collection trustee "
        "social_media",
        """Specialist care for people with life-limiting illnesses in Lancashire, at the
         hospice and at home, funded largely by our shops and supporters.""",
        "1256308",
        "Health Illness Care",
    ),
    org(
        "Humber Coast Community Trust",
        CHARITY,
        "hull",
        "hull scarborough whitby york doncaster",
        "flood_warden beach_clean community_champion mens_shed emergency_responder repair_cafe "
        "grant_writer",
        """Building stronger, better-prepared coastal and riverside communities from the
         Humber to the North York Moors coast.""",
        "1261542",
        "LocalCommunity",
    ),
    org(
        "Lea Valley Youth Sport",
        GROUP,
        "hackney",
        "hackney stratford tottenham camden",
        "junior_football youth_club inclusive_sport run_marshal social_media",
        """Grassroots football, inclusive sport and youth sessions in east and north
         London, run by local parents and volunteers.""",
        None,
        "YouthAndChildren SportOutdoorActivities",
    ),
    org(
        "West London Carers and Families",
        CHARITY,
        "ealing",
        "ealing kingston croydon",
        "family_support stay_and_play young_carers care_home_activities grant_writer",
        """Support for unpaid carers, young carers and families with young children in
         west and south London.""",
        "1265887",
        "Care Families",
    ),
    org(
        "South Downs Trail Keepers",
        GROUP,
        "brighton",
        "brighton chichester crawley hastings",
        "path_team conservation_task litter_pick tree_planting web_helper",
        """Walkers and riders who volunteer to keep the paths, chalk grassland and
         dew ponds of the South Downs in good shape.""",
        None,
        "Environment",
    ),
    org(
        "Solent Coast Care",
        CHARITY,
        "southampton",
        "southampton portsmouth newport-iow bournemouth",
        "beach_clean litter_pick wildlife_survey flood_warden web_helper",
        """Caring for the shores, saltmarshes and seabirds of the Solent and the Isle of
         Wight.""",
        "1265102",
        "Environment",
    ),
    org(
        "Thames Valley Talking News",
        CHARITY,
        "reading",
        "reading oxford milton-keynes guildford",
        "talking_newspaper photo_tagging trustee web_helper",
        """Free weekly audio news and magazines for blind and partially sighted people
         across the Thames Valley.""",
        "1253317",
        "SensoryImpairment",
    ),
    org(
        "Menai Community Hub",
        GROUP,
        "bangor",
        "bangor llandudno wrexham",
        "digital_buddy lunch_club community_garden conversation_club repair_cafe translator "
        "online_english",
        """A bilingual community hub in Bangor with a garden, lunch club and digital
         drop-ins, working with groups along the north Wales coast.""",
        None,
        "LocalCommunity",
    ),
    org(
        "Granite City Community Larder",
        CHARITY,
        "aberdeen",
        "aberdeen elgin dundee",
        "foodbank_warehouse foodbank_session community_kitchen cargo_bike data_volunteer",
        """Affordable food and emergency parcels for households across Aberdeen, Moray
         and Tayside.""",
        "SC058105",
        "AntiPoverty",
    ),
    org(
        "Tayside Young Carers Network",
        CHARITY,
        "dundee",
        "dundee perth stirling",
        "young_carers youth_ambassador holiday_club data_volunteer",
        """Breaks, activities and a voice for young carers in Dundee, Perth and
         Stirling.""",
        "SC057488",
        "YouthAndChildren Care",
    ),
    org(
        "Islands Connect",
        CHARITY,
        "stornoway",
        "stornoway portree kirkwall lerwick oban thurso",
        "digital_buddy phone_befriender good_neighbour emergency_responder community_champion",
        """Keeping island and remote coastal communities connected: digital help,
         befriending and community resilience from Shetland to Argyll.""",
        "SC058856",
        "LocalCommunity",
    ),
    org(
        "Borders and Solway Community Transport",
        CHARITY,
        "dumfries",
        "dumfries galashiels ayr berwick carlisle",
        "volunteer_driver patient_transport good_neighbour grant_writer",
        """Volunteer drivers connecting rural communities in Dumfries and Galloway and
         the Scottish Borders with health care, shops and friends.""",
        "SC057702",
        "OlderPeople",
    ),
)
