"""Role templates: befriending, older people, health and wellbeing.

A DBS check appears only where a volunteer works one-to-one or unsupervised with older,
ill or otherwise vulnerable people; group roles with staff on hand ask for none.
"""

from __future__ import annotations

from services.opportunities.demo.templates import RoleTemplate, role

WHY = "Why would you like to volunteer with us?"
WHEN = "Which days and times usually suit you?"
DRIVE = "Do you hold a full UK driving licence, and for how long have you held it?"
EXPERIENCE = "Tell us about any experience you have of supporting people (paid or unpaid)."

ROLES: tuple[RoleTemplate, ...] = (
    role(
        "befriender_home",
        ("Befriender for an older neighbour", "Home visiting befriender in {place}"),
        "Visit an older person who lives alone for a cuppa and a chat once a week.",
        """Many older people in {place} can go days without a proper conversation. As a
        befriender you will be matched with one person near you and visit them at home for
        an hour or so each week: a chat, a walk to the shops, a game of cards. You do not
        need any experience; we give you an induction, a named coordinator and regular
        catch-ups with other befrienders. We pay travel expenses and the cost of the DBS
        check.""",
        commitment="regular",
        causes="OlderPeople LocalCommunity",
        skills="ActiveListening EmpathyAndCompassion ReliabilityAndTrustworthiness",
        requirements="DBSCheck",
        accessibility="ExpensesPaid PublicTransportAccess",
        hours=(1, 2),
        sessions="MondayAfternoon TuesdayAfternoon WednesdayMorning ThursdayAfternoon "
        "FridayMorning SaturdayAfternoon",
        session_count=(1, 3),
        places=(3, 15),
        questions=(WHY, WHEN),
        branches=True,
    ),
    role(
        "phone_befriender",
        ("Telephone befriender", "Phone befriending volunteer"),
        "Ring an older person for a friendly chat once a week, from home.",
        """Some of the people we support cannot easily get out, and a regular phone call
        is the highlight of their week. You will be matched with one or two people and call
        them at an agreed time each week for 30 to 60 minutes. Calls are made through our
        app so your own number stays private. Training is online and takes about two hours,
        and a coordinator is always on hand if you are worried about someone.""",
        commitment="regular",
        causes="OlderPeople MentalHealth",
        skills="ActiveListening PhoneOnlineSupport ClearSpokenCommunication",
        requirements="DBSCheck",
        accessibility="RemoteAccessibility TechnologyRequirements",
        hours=(1, 2),
        sessions="MondayMorning TuesdayAfternoon WednesdayAfternoon ThursdayMorning "
        "FridayAfternoon SundayAfternoon",
        mode="remote",
        places=(5, 30),
        questions=(WHY,),
    ),
    role(
        "lunch_club",
        ("Lunch club helper", "Community lunch club volunteer"),
        "Serve lunch, pour the tea and chat with older guests at our weekly lunch club.",
        """Our lunch club brings 30 or so older people together every week for a hot meal
        and good company. Volunteers lay tables, serve food, wash up and, most importantly,
        sit and chat with guests. Staff are always present, so no checks are needed. It is
        a friendly team and a lovely way to spend a morning; 16 and 17 year olds are
        welcome and it counts towards Duke of Edinburgh awards.""",
        commitment="regular",
        causes="OlderPeople LocalCommunity",
        skills="CooperativeWork PublicEngagement PatienceAndUnderstanding",
        accessibility="BuildingAccessibilityFeatures PublicTransportAccess",
        hours=(2, 3),
        sessions="TuesdayMorning WednesdayMorning ThursdayMorning",
        session_count=(1, 1),
        minimum_age=16,
        places=(3, 8),
        branches=True,
    ),
    role(
        "volunteer_driver",
        ("Volunteer driver for older people", "Community car scheme driver"),
        "Use your own car to take older people to appointments, shops and social groups.",
        """For many older people in and around {place}, a missed bus means a missed
        doctor's appointment. Our volunteer drivers use their own cars to take people to
        medical appointments, the shops or a social club, and wait or collect them
        afterwards. You choose which trips to accept through our booking line. We pay 45p
        a mile, check your licence and insurance, and pay for the DBS check.""",
        commitment="flexible",
        causes="OlderPeople Care LocalCommunity",
        skills="Driving ReliabilityAndTrustworthiness PatienceAndUnderstanding",
        requirements="DBSCheck LocalRoadsFacilitiesKnowledge",
        accessibility="ExpensesPaid",
        hours=(2, 6),
        sessions="MondayMorning TuesdayMorning WednesdayMorning ThursdayMorning FridayMorning "
        "MondayAfternoon WednesdayAfternoon FridayAfternoon",
        session_count=(2, 4),
        minimum_age=21,
        questions=(DRIVE, WHEN),
    ),
    role(
        "hospital_ward",
        ("Ward companion volunteer", "Hospital ward befriender"),
        "Keep patients company on the wards: chat, read the paper, help at mealtimes.",
        """Being in hospital can be lonely, especially for older patients with few
        visitors. Ward companions spend time with patients, help them fill in menu cards,
        encourage them to eat and drink, and let nurses know if someone needs something.
        You will have a full induction, infection-control training and a named ward
        contact. Shifts are three hours, once a week.""",
        commitment="regular",
        causes="Health Illness OlderPeople",
        skills="EmpathyAndCompassion ActiveListening ProfessionalBoundaries",
        requirements="DBSCheck IDCheck",
        accessibility="BuildingAccessibilityFeatures PublicTransportAccess ExpensesPaid",
        hours=(3, 3),
        sessions="MondayMorning TuesdayAfternoon WednesdayAfternoon ThursdayMorning "
        "SaturdayAfternoon SundayAfternoon",
        places=(4, 20),
        questions=(WHY, EXPERIENCE),
        branches=True,
    ),
    role(
        "hospital_welcome",
        ("Hospital welcome and wayfinding guide", "Main entrance meet-and-greet volunteer"),
        "Greet visitors at the main entrance and help them find their way around.",
        """Hospitals are big, confusing places. Our welcome volunteers stand at the main
        entrance and help patients and visitors find clinics and wards, push wheelchairs
        to the right department and point people to the cafe. You will be on your feet and
        talking to lots of people. Full training is given; you will work in public areas
        only, so no DBS check is needed.""",
        commitment="regular",
        causes="Health GeneralPublic",
        skills="PublicEngagement ClearSpokenCommunication NavigationAndOrientation",
        requirements="IDCheck PhysicalStamina",
        accessibility="PublicTransportAccess ParkingAvailability ExpensesPaid",
        hours=(3, 4),
        sessions="MondayMorning TuesdayMorning WednesdayMorning ThursdayMorning "
        "FridayMorning MondayAfternoon WednesdayAfternoon",
        minimum_age=16,
        places=(5, 20),
        branches=True,
    ),
    role(
        "patient_transport",
        ("Volunteer driver: hospital appointments", "Patient transport volunteer driver"),
        "Drive patients to and from outpatient appointments in a trust pool car.",
        """Patients who cannot use public transport or drive themselves rely on our
        volunteer drivers to reach outpatient clinics, dialysis and cancer treatment. You
        will drive one of our pool cars (or your own, with mileage paid) and help people in
        and out safely. Drivers must be 21 or over with a clean licence held for three
        years. An enhanced DBS check is required and paid for by us.""",
        commitment="flexible",
        causes="Health Illness PhysicalDisability",
        skills="Driving ReliabilityAndTrustworthiness EmpathyAndCompassion",
        requirements="DBSCheck LocalRoadsFacilitiesKnowledge",
        accessibility="ExpensesPaid ParkingAvailability",
        hours=(4, 8),
        sessions="MondayMorning TuesdayMorning WednesdayMorning ThursdayMorning FridayMorning",
        session_count=(1, 3),
        minimum_age=21,
        questions=(DRIVE,),
    ),
    role(
        "care_home_activities",
        ("Care home activities volunteer", "Music and memories volunteer in a care home"),
        "Help residents enjoy music, crafts, gardening and games in a local care home.",
        """Residents in our partner care homes in {place} love a new face. Volunteers help
        the activities coordinator run sessions such as sing-alongs, reminiscence groups,
        seated exercise and gardening, or simply sit and chat one-to-one. If you play an
        instrument, knit or have a dog that likes a fuss, even better. A DBS check is
        needed because you may spend time alone with residents.""",
        commitment="regular",
        causes="OlderPeople Care",
        skills="EmpathyAndCompassion PatienceAndUnderstanding PublicEngagement",
        requirements="DBSCheck",
        accessibility="BuildingAccessibilityFeatures ParkingAvailability",
        hours=(2, 3),
        sessions="MondayAfternoon TuesdayAfternoon WednesdayAfternoon ThursdayAfternoon "
        "SaturdayAfternoon",
        branches=True,
        places=(2, 6),
    ),
    role(
        "memory_cafe",
        ("Memory cafe helper", "Dementia-friendly cafe volunteer"),
        "Welcome people living with dementia and their carers to our monthly memory cafe.",
        """Our memory cafe is a relaxed afternoon where people living with dementia and
        the family members who care for them can meet others, enjoy music and a slice of
        cake. Volunteers set up, serve refreshments and join in the activities. We give you
        Dementia Friends training first. Sessions are in a group with staff present, so
        there is no DBS check.""",
        commitment="regular",
        causes="OlderPeople Health Care",
        skills="PatienceAndUnderstanding EmpathyAndCompassion CooperativeWork",
        accessibility="BuildingAccessibilityFeatures PublicTransportAccess",
        hours=(1, 3),
        sessions="TuesdayAfternoon ThursdayAfternoon FridayAfternoon",
        session_count=(1, 1),
        minimum_age=16,
        places=(2, 6),
        branches=True,
    ),
    role(
        "walk_leader",
        ("Wellbeing walk leader", "Health walk volunteer leader"),
        "Lead a gentle weekly walk for people improving their health or confidence.",
        """Our short, sociable walks help people who are recovering from illness, feeling
        low or just want to get a bit fitter. Walk leaders plan a route of about an hour,
        welcome walkers, keep the group together and make sure the pace suits everyone. We
        provide a one-day walk leader course, a first aid kit and a high-vis vest.""",
        commitment="regular",
        causes="MentalHealth Health SportOutdoorActivities",
        skills="LeadingSmallGroups NavigationAndOrientation BasicFirstAid",
        requirements="SturgyFootwear WaterproofsWarmLayers OutdoorWorkAbility",
        accessibility="PublicTransportAccess",
        hours=(1.5, 2),
        sessions="MondayMorning WednesdayMorning FridayMorning SaturdayMorning",
        session_count=(1, 1),
        places=(2, 6),
        branches=True,
    ),
    role(
        "helpline_listener",
        ("Listening volunteer", "Helpline listener"),
        "Answer calls from people who are struggling and need someone to listen.",
        """Our listening service is there for anyone who is finding life hard. Volunteers
        answer calls and messages, listen without judging and help callers think through
        their options. You will complete around 30 hours of training and always have an
        experienced volunteer on shift with you. Shifts can be taken at our centre in
        {place} or, once trained, from home.""",
        commitment="regular",
        causes="MentalHealth Health",
        skills="ActiveListening EmpathyAndCompassion CalmnessUnderPressure "
        "ProfessionalBoundaries PhoneOnlineSupport",
        accessibility="RemoteAccessibility BuildingAccessibilityFeatures",
        hours=(3, 4),
        sessions="MondayEvening TuesdayEvening WednesdayEvening ThursdayEvening "
        "FridayEvening SaturdayEvening SundayEvening",
        session_count=(1, 2),
        mode="both",
        places=(5, 25),
        questions=(WHY, "How do you look after yourself when things get difficult?"),
    ),
    role(
        "chat_listener",
        ("Online chat support volunteer", "Text and webchat listener"),
        "Support people by webchat from your own home, with a supervisor online.",
        """More and more people prefer to type than talk. Our online listeners answer
        webchats from people who are stressed, anxious or lonely, offering a calm space to
        be heard. You need a laptop, a private room and a reliable internet connection.
        Training is online over six weeks, and a shift supervisor is online with you every
        session.""",
        commitment="regular",
        causes="MentalHealth",
        skills="ActiveListening PhoneOnlineSupport RemoteCommunicationTools ProfessionalBoundaries",
        accessibility="RemoteAccessibility TechnologyRequirements WifiUsage",
        hours=(2, 4),
        sessions="MondayEvening TuesdayEvening WednesdayEvening ThursdayEvening SundayEvening",
        mode="remote",
        places=(10, 40),
        questions=(WHY,),
    ),
    role(
        "digital_buddy",
        ("Digital buddy", "Help people get online: digital buddy"),
        "Help people get to grips with phones, tablets and the internet at a drop-in.",
        """Lots of people feel left behind now that everything from GP appointments to
        bus timetables is online. Digital buddies sit with people at our weekly drop-in and
        help them with whatever they want to learn: video calling the grandchildren, online
        shopping, spotting scams. You do not need to be an expert, just patient and
        comfortable using a smartphone and the internet.""",
        commitment="regular",
        causes="OlderPeople LocalCommunity EducationLanguages",
        skills="BasicITSkills SmartphoneUse PatienceAndUnderstanding",
        accessibility="BuildingAccessibilityFeatures PublicTransportAccess WifiUsage",
        hours=(2, 2),
        sessions="MondayMorning TuesdayAfternoon WednesdayMorning ThursdayAfternoon "
        "SaturdayMorning",
        session_count=(1, 1),
        minimum_age=16,
        branches=True,
        places=(2, 8),
    ),
    role(
        "home_library",
        ("Home library service volunteer", "Book delivery volunteer for housebound readers"),
        "Choose and deliver library books to people who can no longer get to the library.",
        """Our home library service brings books, audiobooks and a friendly face to
        people who are housebound. You will get to know two or three readers, pick up a
        bag of books for each from your local library every few weeks and drop them round
        for a chat about what they have been reading. A DBS check is needed as you will
        visit people at home.""",
        commitment="regular",
        causes="OlderPeople Disability LiteracyNeeds",
        skills="ReliabilityAndTrustworthiness ActiveListening",
        requirements="DBSCheck",
        accessibility="ExpensesPaid",
        hours=(1, 2),
        sessions="TuesdayMorning WednesdayAfternoon ThursdayMorning FridayAfternoon",
        places=(2, 6),
        branches=True,
    ),
    role(
        "talking_newspaper",
        ("Talking newspaper reader", "Volunteer reader for blind and partially sighted people"),
        "Read local news aloud for our weekly recording for people with sight loss.",
        """Every week our team records a selection of local news and features for
        listeners who are blind or partially sighted. Readers work in teams of three in
        our small studio, or record at home using a USB microphone we can lend you. A
        clear speaking voice matters more than experience; we will give you a voice test
        and some coaching.""",
        commitment="regular",
        causes="SensoryImpairment Disability LocalCommunity",
        skills="ClearSpokenCommunication CooperativeWork",
        accessibility="VisualImpairment RemoteAccessibility",
        hours=(1, 2),
        sessions="TuesdayEvening WednesdayMorning ThursdayEvening",
        session_count=(1, 1),
        minimum_age=16,
        mode="both",
        places=(2, 6),
    ),
    role(
        "inclusive_sport",
        ("Inclusive sports session helper", "Disability sport volunteer"),
        "Help run weekly sports sessions for disabled children and adults.",
        """Our inclusive sessions (boccia, wheelchair basketball, new-age kurling and
        more) are open to disabled people of all ages. Volunteers set up equipment, help
        players take part and keep score. You do not need to be sporty yourself. Because
        you will support children and adults at risk, an enhanced DBS check is needed and
        paid for by us.""",
        commitment="regular",
        causes="Disability PhysicalDisability LearningDisabilities SportOutdoorActivities",
        skills="PatienceAndUnderstanding CooperativeWork BasicSafeguarding",
        requirements="DBSCheck",
        accessibility="BuildingAccessibilityFeatures ParkingAvailability",
        hours=(2, 3),
        sessions="TuesdayEvening ThursdayEvening SaturdayMorning",
        session_count=(1, 1),
        minimum_age=16,
        places=(2, 8),
    ),
    role(
        "mens_shed",
        ("Men's shed workshop volunteer", "Shed supervisor"),
        "Help keep our community workshop safe and welcoming for members.",
        """Our shed is a workshop where people (mostly, but not only, older men) make,
        mend and chat over a brew. Shed supervisors open up, check tools are used safely
        and make newcomers welcome. Woodwork or DIY skills are useful but the most
        important thing is being friendly. Members are adults using the shed together, so
        there is no DBS check.""",
        commitment="regular",
        causes="MensGroups MentalHealth OlderPeople",
        skills="LeadingSmallGroups RiskAwareness PatienceAndUnderstanding",
        requirements="SturgyFootwear",
        accessibility="ParkingAvailability",
        hours=(3, 4),
        sessions="TuesdayMorning WednesdayMorning ThursdayMorning SaturdayMorning",
        places=(1, 4),
    ),
)
