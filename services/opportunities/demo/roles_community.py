"""Role templates: food banks, community kitchens, charity shops and local events."""

from __future__ import annotations

from services.opportunities.demo.templates import Event, RoleTemplate, role

WHY = "Why would you like to volunteer with us?"
WHEN = "Which days and times usually suit you?"

ROLES: tuple[RoleTemplate, ...] = (
    role(
        "foodbank_warehouse",
        ("Food bank warehouse volunteer", "Warehouse and stock volunteer"),
        "Sort, date-check and pack donated food in our warehouse.",
        """Every tin donated to the food bank has to be checked, sorted and packed before
        it reaches a family in crisis. Warehouse volunteers weigh donations, check dates,
        stack shelves and make up food parcels to our list. It is active work with lots of
        lifting, and a friendly, chatty team. Sessions are three hours; come weekly or
        whenever you can.""",
        commitment="regular",
        causes="AntiPoverty LowIncomeHouseholds LocalCommunity",
        skills="Logistics SafeManualHandling CooperativeWork",
        requirements="PhysicalStamina SturgyFootwear",
        accessibility="ParkingAvailability PublicTransportAccess",
        hours=(3, 6),
        sessions="MondayMorning TuesdayMorning WednesdayMorning ThursdayMorning FridayMorning "
        "SaturdayMorning",
        session_count=(1, 3),
        minimum_age=16,
        places=(4, 15),
    ),
    role(
        "foodbank_session",
        ("Food bank session welcomer", "Food bank distribution centre volunteer"),
        "Welcome people at a food bank session, listen, and hand out food parcels.",
        """At our distribution sessions people referred to us come in for a food parcel,
        a hot drink and a chat. Welcomers make them feel at ease, listen to their situation
        and signpost them to help with debt, benefits or energy bills. Others pack and hand
        out parcels. Training covers listening skills and local services. We run sessions in
        several churches and community centres around {place}.""",
        commitment="regular",
        causes="AntiPoverty LowIncomeHouseholds",
        skills="ActiveListening EmpathyAndCompassion PublicEngagement",
        requirements="LocalSupportServicesAwareness",
        accessibility="PublicTransportAccess BuildingAccessibilityFeatures",
        hours=(2.5, 3),
        sessions="MondayAfternoon TuesdayMorning WednesdayAfternoon ThursdayMorning "
        "FridayAfternoon",
        branches=True,
        places=(4, 12),
        questions=(WHEN,),
    ),
    role(
        "foodbank_driver",
        ("Food bank collection driver", "Van driver: food collections"),
        "Drive our van to collect donations from supermarkets, churches and schools.",
        """Our van does a round of supermarkets, churches and schools collecting
        donations, then brings them back to the warehouse. You will need a full driving
        licence (a normal car licence covers our 3.5 tonne van) and be happy to lift
        crates with a driver's mate. Runs take about three hours, and you can sign up on
        our rota as often as suits you.""",
        commitment="flexible",
        causes="AntiPoverty LowIncomeHouseholds",
        skills="Driving SafeManualHandling Logistics",
        requirements="LocalRoadsFacilitiesKnowledge PhysicalStamina",
        accessibility="ParkingAvailability",
        hours=(3, 6),
        sessions="MondayMorning WednesdayMorning FridayMorning SaturdayMorning",
        minimum_age=21,
        places=(1, 4),
        questions=("Do you hold a full UK driving licence?",),
    ),
    role(
        "supermarket_collection",
        ("Supermarket food collection volunteer", "Food drive helper at local supermarkets"),
        "Spend a couple of hours at a supermarket asking shoppers to donate to the food bank.",
        """Our collection weekends bring in a third of all the food we give out. Volunteers
        stand at the supermarket entrance handing out shopping lists, thank people for
        donations and take full trolleys to our van. Sign up for a two-hour slot with a
        friend. Children are welcome with a parent or carer: families are our best
        collectors!""",
        commitment="one_off",
        causes="AntiPoverty LowIncomeHouseholds LocalCommunity",
        skills="PublicEngagement CooperativeWork",
        accessibility="PublicTransportAccess ParkingAvailability",
        minimum_age=None,
        branches=True,
        event=Event(("Friday", "Saturday"), "10:00", "16:00", count=(2, 2)),
        places=(10, 40),
    ),
    role(
        "hamper_packing",
        ("Hamper packing day", "Festive food hamper packing volunteer"),
        "Join a big packing day to make up hampers for families who are struggling.",
        """Once a season we turn a church hall into a packing line and make up several
        hundred hampers for families referred by schools and health visitors. We need
        people to unload, pack, label and load vans. Drop in for the morning or stay all
        day. Over-12s welcome with an adult.""",
        commitment="one_off",
        causes="AntiPoverty Families LowIncomeHouseholds",
        skills="Logistics CooperativeWork SafeManualHandling",
        accessibility="BuildingAccessibilityFeatures ParkingAvailability",
        minimum_age=12,
        event=Event(("Saturday",), "09:30", "15:30"),
        places=(20, 60),
    ),
    role(
        "community_kitchen",
        ("Community kitchen volunteer", "Volunteer cook for our community meal"),
        "Cook and serve a free hot meal for anyone who needs one.",
        """Our community kitchen turns surplus food from supermarkets into a hot two-course
        meal for 60 people, no questions asked. Volunteers prep vegetables, cook under the
        direction of our chef, serve and wash up. You do not need to be a trained cook, but
        we will ask you to complete a free online food hygiene course.""",
        commitment="regular",
        causes="AntiPoverty Housing LocalCommunity",
        skills="CooperativeWork PublicEngagement",
        accessibility="PublicTransportAccess",
        hours=(3, 4),
        sessions="MondayAfternoon WednesdayAfternoon FridayAfternoon SundayMorning",
        minimum_age=16,
        places=(3, 10),
    ),
    role(
        "outreach_run",
        ("Evening outreach volunteer", "Street outreach: soup and sandwich run"),
        "Take hot food, drinks and warm clothing to people sleeping rough in {place}.",
        """Three evenings a week our outreach teams walk a set route taking soup,
        sandwiches, sleeping bags and socks to people sleeping rough, and letting them know
        where to get help. You will always be in a team of three with an experienced team
        leader. Training covers safety, boundaries and local services.""",
        commitment="regular",
        causes="Housing AntiPoverty SubstanceAbuse",
        skills="ConflictDeescalation EmpathyAndCompassion ProfessionalBoundaries",
        requirements="WaterproofsWarmLayers PhonePowerBank LocalSupportServicesAwareness",
        accessibility="PublicTransportAccess",
        hours=(2.5, 3),
        sessions="MondayEvening WednesdayEvening FridayEvening",
        session_count=(1, 1),
        places=(4, 12),
        questions=(WHY,),
    ),
    role(
        "shop_assistant",
        ("Charity shop assistant", "Shop floor volunteer"),
        "Serve customers, dress the window and keep our charity shop looking great.",
        """Every sale in our shop funds our work. Shop volunteers run the till, help
        customers, put out new stock and make the window look irresistible. We are flexible
        about hours, and it is a great way to gain retail experience, meet people and build
        confidence. Young people from 14 are welcome, including for Duke of Edinburgh.""",
        commitment="flexible",
        causes="LocalCommunity",
        skills="PublicEngagement CooperativeWork ReliabilityAndTrustworthiness",
        accessibility="PublicTransportAccess BuildingAccessibilityFeatures",
        hours=(3, 8),
        sessions="MondayMorning TuesdayAfternoon WednesdayMorning ThursdayAfternoon "
        "FridayMorning SaturdayMorning SaturdayAfternoon",
        session_count=(2, 4),
        minimum_age=14,
        branches=True,
        places=(2, 8),
        inherit_causes=True,
    ),
    role(
        "donation_sorter",
        ("Donations sorter (back room)", "Stock room volunteer"),
        "Sort, steam and price donated clothes and books behind the scenes.",
        """If you would rather not be on the shop floor, our stock room is the place for
        you. Volunteers sort through donations, steam and hang clothes, price books and
        bric-a-brac, and spot the rare finds that go online. Tea and biscuits provided. A
        quiet, sociable role that suits people who like things tidy.""",
        commitment="flexible",
        causes="LocalCommunity Environment",
        skills="IndependentWork SafeManualHandling",
        accessibility="BuildingAccessibilityFeatures",
        hours=(2, 6),
        sessions="MondayAfternoon TuesdayMorning WednesdayAfternoon ThursdayMorning "
        "FridayAfternoon",
        minimum_age=14,
        places=(1, 4),
        inherit_causes=True,
        branches=True,
    ),
    role(
        "furniture_van",
        ("Furniture van driver's mate", "Furniture collection and delivery volunteer"),
        "Help collect donated furniture and deliver it to families setting up home.",
        """We collect good-quality furniture from people's homes and deliver it to
        families moving out of temporary accommodation. As a driver's mate you will help
        load and carry sofas, beds and wardrobes, and navigate. You need to be fit and
        comfortable with heavy lifting; we train you in safe manual handling.""",
        commitment="regular",
        causes="Housing AntiPoverty Environment",
        skills="SafeManualHandling CooperativeWork NavigationAndOrientation",
        requirements="PhysicalStamina SturgyFootwear Gloves",
        hours=(4, 7),
        sessions="TuesdayMorning WednesdayMorning ThursdayMorning SaturdayMorning",
        places=(1, 3),
    ),
    role(
        "online_seller",
        ("Online sales volunteer", "eBay and online listings volunteer"),
        "Photograph, research and list special donated items for sale online.",
        """Some donations (vintage cameras, designer bags, first editions) raise far more
        online. You will research prices, take good photos, write listings and pack sold
        items. Ideal if you enjoy a bargain hunt and are comfortable with a computer. Work
        from our shop, or list from home once you know the ropes.""",
        commitment="flexible",
        causes="LocalCommunity",
        skills="BasicITSkills SmartphoneUse DataEntryAndReporting",
        accessibility="TechnologyAvailability RemoteAccessibility",
        hours=(2, 5),
        sessions="TuesdayAfternoon WednesdayMorning ThursdayAfternoon",
        minimum_age=16,
        mode="both",
        places=(1, 2),
        inherit_causes=True,
    ),
    role(
        "repair_cafe",
        ("Repair cafe fixer", "Volunteer repairer at our monthly repair cafe"),
        "Fix toasters, bikes, clothes and lamps with their owners at our repair cafe.",
        """Once a month people bring broken things to our repair cafe and fix them with
        a volunteer, instead of throwing them away. We need fixers for small electricals,
        bikes, sewing and furniture, plus hosts to welcome people and serve cake. Bring
        your own tools if you have them. Electrical fixers will need to follow our PAT
        testing procedure.""",
        commitment="flexible",
        causes="Environment LocalCommunity",
        skills="BasicEquipmentUse PublicEngagement RiskAwareness",
        requirements="Tools",
        accessibility="BuildingAccessibilityFeatures PublicTransportAccess",
        hours=(1, 4),
        sessions="SaturdayMorning SaturdayAfternoon",
        minimum_age=16,
        places=(3, 10),
        questions=("What kinds of things can you repair?",),
    ),
    role(
        "community_garden",
        ("Community garden volunteer", "Community growing volunteer"),
        "Grow fruit and veg with neighbours in our community garden; all welcome.",
        """Our garden is a green space where neighbours grow food together, share the
        harvest and learn from each other. Drop in to dig, sow, weed, water or build raised
        beds. No experience needed, and families are very welcome (under-16s with an adult).
        Tools and gloves provided; wear clothes you do not mind getting muddy.""",
        commitment="flexible",
        causes="Environment LocalCommunity MentalHealth",
        skills="CooperativeWork BasicEquipmentUse",
        requirements="OutdoorWorkAbility SturgyFootwear",
        accessibility="PublicTransportAccess",
        hours=(2, 3),
        sessions="WednesdayAfternoon SaturdayMorning SundayMorning",
        minimum_age=None,
        places=(5, 20),
    ),
    role(
        "event_steward",
        ("Festival steward", "Community festival volunteer steward"),
        "Help our free community festival run safely: gates, info point and litter.",
        """Our summer festival brings thousands of people together for music, food and
        family fun. Stewards help at the entrances, answer questions, keep walkways clear
        and report any problems by radio to the control tent. You get a briefing, a
        high-vis vest, lunch and a festival T-shirt. Shifts are around five hours.""",
        commitment="one_off",
        causes="ArtsAndCulture LocalCommunity",
        skills="CrowdQueueManagement RadioUse PublicEngagement EmergencyBriefings",
        requirements="HighVisibilityVest PhysicalStamina",
        accessibility="PublicTransportAccess",
        minimum_age=18,
        event=Event(("Saturday", "Sunday"), "11:00", "16:00", count=(1, 2), months=(5, 6, 7, 8, 9)),
        places=(20, 80),
    ),
    role(
        "fun_run_marshal",
        ("Fun run marshal", "Charity 10k marshal"),
        "Cheer on runners and keep the course safe at our charity fun run.",
        """Our annual fun run raises thousands for local causes, and it cannot happen
        without marshals. You will stand at a junction or water station, keep runners on
        course, clap a lot and report anything unusual. Full briefing on the day,
        high-vis provided. Under-16s welcome with a parent or carer.""",
        commitment="one_off",
        causes="SportOutdoorActivities LocalCommunity",
        skills="CrowdQueueManagement PublicEngagement",
        requirements="HighVisibilityVest WaterproofsWarmLayers",
        accessibility="PublicTransportAccess",
        minimum_age=None,
        event=Event(("Sunday",), "08:00", "12:00"),
        places=(20, 60),
        inherit_causes=True,
    ),
    role(
        "run_marshal",
        ("Saturday 5k marshal", "Weekly 5k run volunteer"),
        "Marshal, time-keep or scan barcodes at our free weekly 5k in the park.",
        """Our free timed 5k happens every Saturday at 9am and is run entirely by
        volunteers. Pick a role each week (marshal, timekeeper, barcode scanner, tail
        walker) and volunteer as often or as rarely as you like. It takes about 90 minutes
        and it is a brilliant way to get to know people. Families and children are very
        welcome; under-11s with an adult.""",
        commitment="micro",
        causes="SportOutdoorActivities Health LocalCommunity",
        skills="PublicEngagement CooperativeWork",
        requirements="HighVisibilityVest",
        accessibility="PublicTransportAccess ParkingAvailability",
        sessions="SaturdayMorning",
        session_count=(1, 1),
        minimum_age=None,
        places=None,
        branches=True,
    ),
    role(
        "street_collection",
        ("Street collection volunteer", "Bucket collector for our appeal day"),
        "Give an hour or two to shake a bucket for our appeal on a busy high street.",
        """One or two hours with a collecting bucket makes a real difference. You will be
        given a lanyard and bucket at our base, paired with another collector and sent to a
        busy spot in {place}. Smile, say thank you, and return the bucket for counting.
        Collectors must be 16 or over (under-18s with a parent's consent).""",
        commitment="micro",
        causes="LocalCommunity",
        skills="PublicEngagement",
        requirements="IDCheck",
        accessibility="PublicTransportAccess",
        minimum_age=16,
        event=Event(("Friday", "Saturday"), "10:00", "14:00", count=(1, 2)),
        places=(10, 30),
        inherit_causes=True,
    ),
)
