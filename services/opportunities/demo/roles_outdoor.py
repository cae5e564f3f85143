"""Role templates: conservation, litter and beach cleans, rescue, emergencies and heritage.

Outdoor group work with adults or families never needs a DBS check.
"""

from __future__ import annotations

from services.opportunities.demo.templates import Event, RoleTemplate, role

WINTER = (11, 12, 1, 2, 3)

ROLES: tuple[RoleTemplate, ...] = (
    role(
        "litter_pick",
        ("Community litter pick", "Big neighbourhood litter pick"),
        "Join neighbours for a morning litter pick; pickers, bags and gloves provided.",
        """Come and help make {place} cleaner and greener. We meet at the advertised
        point, hand out litter pickers, bags, gloves and hi-vis, and spend a couple of hours
        clearing streets, verges and parks, then finish with a cuppa. Families are very
        welcome: under-16s must be with an adult. Just wear sturdy shoes and clothes for
        the weather.""",
        commitment="one_off",
        causes="Environment LocalCommunity",
        skills="CooperativeWork RiskAwareness",
        requirements="SturgyFootwear WaterproofsWarmLayers",
        accessibility="PublicTransportAccess",
        minimum_age=None,
        branches=True,
        event=Event(("Saturday", "Sunday"), "10:00", "12:00", count=(1, 3)),
        places=(10, 50),
    ),
    role(
        "litter_champion",
        ("Litter champion: adopt your street", "Street champion (litter picking)"),
        "Borrow a litter picker and keep your own street or park clean, whenever suits you.",
        """Litter champions look after a patch of their choosing: their street, a
        favourite park or the walk to school. We lend you a picker, bags and a hi-vis vest
        and arrange collection of what you pick. Log your bags on our app so we can
        celebrate the total. Ten minutes a week makes a difference; all ages welcome with
        an adult.""",
        commitment="micro",
        causes="Environment LocalCommunity",
        skills="IndependentWork SmartphoneUse",
        requirements="Gloves",
        minimum_age=None,
        places=None,
    ),
    role(
        "beach_clean",
        ("Beach clean volunteer", "Family beach clean"),
        "Help clear plastic and litter from the shore, and record what we find.",
        """Plastic washes up on our beaches with every tide. Join us for two hours of
        beach cleaning: we provide gloves, bags and pickers, brief you on what not to
        touch, and ask you to tally what you find for a national marine litter survey.
        Children love it and are welcome with an adult. Check the tide times and wrap up
        warm.""",
        commitment="one_off",
        causes="Environment SportOutdoorActivities",
        skills="CooperativeWork RiskAwareness WaterSafetyAwareness",
        requirements="SturgyFootwear WaterproofsWarmLayers",
        accessibility="ParkingAvailability",
        minimum_age=None,
        event=Event(("Saturday", "Sunday"), "10:00", "12:00", count=(1, 2)),
        places=(10, 40),
        branches=True,
        coastal=True,
    ),
    role(
        "tree_planting",
        ("Tree planting day", "Community tree planting volunteer"),
        "Plant native trees and hedgerow whips with us during the planting season.",
        """Winter is planting season. Spend a day with us planting native trees and
        hedging to create new woodland, shade for wildlife and cleaner air. We teach you
        how to plant, stake and guard a tree properly, and provide spades, gloves and hot
        drinks. Bring a packed lunch. Over-8s welcome with an adult.""",
        commitment="one_off",
        causes="Environment SportOutdoorActivities",
        skills="BasicEquipmentUse CooperativeWork",
        requirements="SturgyFootwear WaterproofsWarmLayers OutdoorWorkAbility",
        accessibility="ParkingAvailability",
        minimum_age=8,
        branches=True,
        event=Event(("Saturday", "Sunday", "Wednesday"), "10:00", "15:00", (1, 3), WINTER),
        places=(10, 40),
    ),
    role(
        "conservation_task",
        ("Weekly conservation volunteer", "Practical conservation task day volunteer"),
        "Get outdoors with our weekly practical conservation team: no experience needed.",
        """Our weekday team looks after nature reserves, woods and green spaces around
        {place}: coppicing, clearing scrub, building dead hedges, repairing paths and
        fences. Tools, training and transport from a meeting point are provided. It is
        great exercise and good company, and you will learn traditional countryside skills
        along the way.""",
        commitment="regular",
        causes="Environment SportOutdoorActivities",
        skills="BasicEquipmentUse SafeManualHandling CooperativeWork RiskAwareness",
        requirements="SturgyFootwear WaterproofsWarmLayers OutdoorWorkAbility Gloves",
        accessibility="ExpensesPaid",
        hours=(5, 6),
        sessions="TuesdayMorning WednesdayMorning ThursdayMorning SundayMorning",
        minimum_age=16,
        branches=True,
        places=(5, 15),
    ),
    role(
        "path_team",
        ("Footpath and stile repair volunteer", "Rights of way volunteer"),
        "Keep countryside paths open: clear vegetation, fix stiles and replace waymarks.",
        """Our rights of way team walks and maintains public footpaths and bridleways,
        clearing overgrowth, repairing stiles and gates and replacing missing signs. You
        will work in small groups, often in remote spots, so a reasonable level of fitness
        helps. Full tool training and safety briefing given; mileage paid.""",
        commitment="regular",
        causes="Environment SportOutdoorActivities Heritage",
        skills="BasicEquipmentUse NavigationAndOrientation SafeManualHandling",
        requirements="SturgyFootwear WaterproofsWarmLayers PhysicalStamina Tools",
        accessibility="ExpensesPaid",
        hours=(4, 6),
        sessions="MondayMorning WednesdayMorning SaturdayMorning",
        session_count=(1, 1),
        places=(2, 8),
        branches=True,
    ),
    role(
        "wildlife_survey",
        ("Wildlife survey volunteer", "Citizen science: bird and butterfly recorder"),
        "Walk a set route a few times a season and record the wildlife you see.",
        """Volunteer recorders are the backbone of what we know about local wildlife.
        You will adopt a survey route near {place} and walk it a few times each season,
        counting birds, butterflies or bats and entering sightings on our app. We run
        identification training for beginners. Families can survey together.""",
        commitment="flexible",
        causes="Environment",
        skills="NavigationAndOrientation SmartphoneUse DataEntryAndReporting IndependentWork",
        requirements="SturgyFootwear MapsWaterproofMapCases",
        minimum_age=None,
        hours=(1, 2),
        places=(3, 20),
        branches=True,
    ),
    role(
        "assistant_ranger",
        ("Volunteer assistant ranger", "Weekend volunteer ranger"),
        "Help rangers look after a country park: guided walks, patrols and habitat work.",
        """Volunteer rangers are the friendly face of our countryside sites. You will
        help lead guided walks and children's activities, patrol paths, talk to visitors
        about wildlife and join habitat work. Training includes first aid and radio use.
        Weekend availability is especially welcome.""",
        commitment="regular",
        causes="Environment SportOutdoorActivities GeneralPublic",
        skills="PublicEngagement RadioUse BasicFirstAid NavigationAndOrientation",
        requirements="OutdoorWorkAbility SturgyFootwear WaterproofsWarmLayers",
        accessibility="ParkingAvailability",
        hours=(4, 7),
        sessions="SaturdayMorning SaturdayAfternoon SundayMorning SundayAfternoon",
        minimum_age=16,
        places=(2, 10),
        branches=True,
    ),
    role(
        "rescue_base",
        ("Mountain rescue base support volunteer", "Rescue base and radio volunteer"),
        "Support the rescue team from base: radio, logistics, kit and welfare.",
        """Not everyone who helps the team goes on the hill. Base volunteers staff the
        radio room during call-outs, log incidents, check and pack kit, and make sure
        exhausted team members get a hot drink. You will be on a call-out rota and train
        with the team one evening a fortnight. Calmness under pressure is essential; fell
        experience is not.""",
        commitment="regular",
        causes="SportOutdoorActivities GeneralPublic DevelopmentEmergencyRelief",
        skills="RadioUse CalmnessUnderPressure EmergencyBriefings IncidentReporting",
        requirements="WaterproofsWarmLayers PhonePowerBank PersonalPreparedness",
        accessibility="ParkingAvailability",
        hours=(2, 4),
        sessions="TuesdayEvening ThursdayEvening SaturdayMorning",
        places=(2, 6),
        questions=("How far do you live from our base, and could you get there at night?",),
    ),
    role(
        "rescue_fundraiser",
        ("Rescue team fundraising helper", "Fundraising and open day volunteer"),
        "Help raise money for the rescue team at our open day and collections.",
        """The team is entirely funded by donations. Fundraising volunteers run stalls,
        help at our open day, staff collection points in car parks and talk to walkers
        about staying safe on the fells. Friendly, outgoing people of any fitness level
        are welcome.""",
        commitment="one_off",
        causes="SportOutdoorActivities LocalCommunity",
        skills="PublicEngagement CooperativeWork",
        requirements="WaterproofsWarmLayers",
        accessibility="ParkingAvailability",
        minimum_age=16,
        event=Event(("Saturday", "Sunday"), "10:00", "16:00", count=(1, 2)),
        places=(5, 20),
    ),
    role(
        "flood_warden",
        ("Community flood warden", "Flood and severe weather volunteer"),
        "Watch river levels, warn neighbours and help your community prepare for floods.",
        """Flood wardens keep an eye on local rivers and drains, pass on warnings to
        neighbours who may not get them, and help put the community flood plan into action,
        from sandbags to checking on vulnerable residents by phone. Training with the
        emergency planning team is provided. You need to live in or near {place}.""",
        commitment="flexible",
        causes="Environment LocalCommunity DevelopmentEmergencyRelief",
        skills="RiskAwareness WaterSafetyAwareness RelayAccurateInformation BasicEquipmentUse",
        requirements="WaterproofsWarmLayers HeadtorchFlashlight PhonePowerBank "
        "LocalRoadsFacilitiesKnowledge",
        hours=(1, 2),
        places=(2, 10),
        branches=True,
    ),
    role(
        "emergency_responder",
        ("Community emergency volunteer", "Rest centre volunteer (emergencies)"),
        "Be on call to help open rest centres when people are evacuated from their homes.",
        """When a fire, flood or power cut forces people out of their homes, rest centres
        open in schools and halls. Our volunteers set up camp beds, register arrivals, serve
        hot drinks and look after people until they can go home. You will train four times
        a year and join an on-call list; you can always say no if a call comes at a bad
        time.""",
        commitment="flexible",
        causes="DevelopmentEmergencyRelief LocalCommunity",
        skills="ShelterSupport CalmnessUnderPressure EmergencyBriefings TraumaInformedAwareness",
        requirements="PersonalPreparedness PhonePowerBank",
        accessibility="ExpensesPaid",
        hours=(1, 2),
        places=(5, 25),
        branches=True,
    ),
    role(
        "cargo_bike",
        ("Cargo bike delivery volunteer", "Bike courier for community deliveries"),
        "Deliver food parcels and prescriptions across {place} by electric cargo bike.",
        """Our electric cargo bikes deliver food parcels, meals and prescriptions to people
        who cannot get out. You will do a two-hour round on a bike we provide after a
        safety ride with our trainer. Comfortable cycling in traffic is a must; we supply
        helmet, lights and waterproofs.""",
        commitment="regular",
        causes="Environment AntiPoverty OlderPeople",
        skills="NavigationAndOrientation SmartphoneUse ReliabilityAndTrustworthiness",
        requirements="PhysicalStamina",
        hours=(2, 4),
        sessions="MondayMorning WednesdayMorning FridayMorning SaturdayMorning",
        minimum_age=18,
        places=(2, 8),
    ),
    role(
        "museum_guide",
        ("Museum gallery guide", "Visitor host at the museum"),
        "Welcome visitors, share stories about the collection and help with family trails.",
        """Our volunteer guides bring the museum's collection to life. You will welcome
        visitors, answer questions, give short gallery talks once you feel confident and
        help families with activity trails. We provide training on the collection and on
        welcoming disabled visitors. Ideal for history fans who love to chat.""",
        commitment="regular",
        causes="Heritage ArtsAndCulture EducationLanguages",
        skills="PublicEngagement ClearSpokenCommunication CulturalSensitivity",
        accessibility="BuildingAccessibilityFeatures PublicTransportAccess ServiceAnimals",
        hours=(3, 4),
        sessions="WednesdayAfternoon ThursdayMorning SaturdayMorning SaturdayAfternoon "
        "SundayAfternoon",
        minimum_age=16,
        places=(3, 12),
        branches=True,
    ),
    role(
        "heritage_open_day",
        ("Heritage open day guide", "Open day volunteer at a historic building"),
        "Show visitors round a historic building that is rarely open to the public.",
        """For a few days a year buildings that are usually closed open their doors for
        free. Guides welcome visitors, count them in and out, share a few stories from our
        fact sheet and keep rooms safe. A two-hour briefing beforehand covers everything.
        Perfect for a one-off taste of volunteering.""",
        commitment="one_off",
        causes="Heritage ArtsAndCulture",
        skills="PublicEngagement CrowdQueueManagement",
        accessibility="PublicTransportAccess",
        minimum_age=16,
        event=Event(("Saturday", "Sunday"), "10:00", "16:00", count=(1, 2), months=(4, 5, 6, 9)),
        places=(6, 20),
        branches=True,
    ),
)
