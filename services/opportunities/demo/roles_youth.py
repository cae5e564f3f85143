"""Role templates: children, young people, families, learning and refugees.

Roles with children ask for a DBS check; adult learning and welcome roles do not.
"""

from __future__ import annotations

from services.opportunities.demo.templates import RoleTemplate, role

WHY = "Why would you like to volunteer with us?"
CHILDREN = "Have you worked or volunteered with children or young people before?"
SUBJECTS = "Which subjects or age groups would you feel confident helping with?"

ROLES: tuple[RoleTemplate, ...] = (
    role(
        "reading_helper",
        ("School reading volunteer", "Reading helper in a primary school"),
        "Listen to children read in a local primary school, one hour a week in term time.",
        """Children who read with an adult every week make faster progress and, just as
        importantly, start to enjoy books. You will visit the same school each week and
        read one-to-one with three children aged 6 to 10, using games and books we
        provide. Training takes half a day. Sessions are in school hours during term time;
        a DBS check is required and paid for by us.""",
        commitment="regular",
        causes="YouthAndChildren LiteracyNeeds EducationLanguages",
        skills="PatienceAndUnderstanding ActiveListening BasicSafeguarding",
        requirements="DBSCheck",
        accessibility="PublicTransportAccess",
        hours=(1, 2),
        sessions="MondayMorning MondayAfternoon TuesdayMorning WednesdayAfternoon "
        "ThursdayMorning FridayMorning",
        branches=True,
        places=(3, 12),
        questions=(CHILDREN, "Which school days can you commit to for a whole term?"),
    ),
    role(
        "online_reading",
        ("Online reading buddy", "Virtual reading volunteer for primary pupils"),
        "Read with a child over a safe video link from home or work, 30 minutes a week.",
        """Our online reading buddies read with the same child every week through a
        secure, school-approved video platform; sessions are recorded and a teacher is
        always in the room with the child. All you need is a laptop with a webcam and a
        quiet space. Many volunteers do it in their lunch break. A DBS check is required
        and is arranged and paid for by us.""",
        commitment="regular",
        causes="YouthAndChildren LiteracyNeeds",
        skills="PatienceAndUnderstanding RemoteCommunicationTools BasicSafeguarding",
        requirements="DBSCheck",
        accessibility="RemoteAccessibility TechnologyRequirements WifiUsage",
        hours=(0.5, 1),
        sessions="MondayAfternoon TuesdayAfternoon WednesdayAfternoon ThursdayAfternoon",
        mode="remote",
        places=(10, 50),
        questions=(CHILDREN,),
    ),
    role(
        "homework_online",
        ("Online homework club tutor", "Maths and English homework helper (online)"),
        "Help secondary pupils with maths or English homework in an online club.",
        """Not every teenager has someone at home who can help with quadratic equations or
        essay plans. Our online homework club runs on weekday evenings in small breakout
        rooms, always with a member of staff present. You will help two or three pupils at
        a time. A good grasp of GCSE maths or English is needed, not a teaching
        qualification. A DBS check is required.""",
        commitment="regular",
        causes="YouthAndChildren EducationLanguages ResidentsDisadvantagedNeighbourhoods",
        skills="PatienceAndUnderstanding RemoteCommunicationTools ClearSpokenCommunication",
        requirements="DBSCheck",
        accessibility="RemoteAccessibility TechnologyRequirements WifiUsage",
        hours=(1, 2),
        sessions="MondayEvening TuesdayEvening WednesdayEvening ThursdayEvening",
        mode="remote",
        places=(5, 25),
        questions=(SUBJECTS,),
    ),
    role(
        "homework_club",
        ("Homework club helper", "After-school homework club volunteer"),
        "Support children with homework and reading at our after-school club.",
        """Our homework club gives children aged 8 to 14 a calm place to study after
        school, with snacks, computers and help on hand. Volunteers sit with small groups,
        help with reading and maths and encourage children to keep going. A DBS check is
        needed; we arrange it and give you safeguarding training.""",
        commitment="regular",
        causes="YouthAndChildren EducationLanguages",
        skills="PatienceAndUnderstanding BasicSafeguarding ClearSpokenCommunication",
        requirements="DBSCheck",
        accessibility="PublicTransportAccess BuildingAccessibilityFeatures",
        hours=(2, 2),
        sessions="MondayAfternoon TuesdayAfternoon WednesdayAfternoon ThursdayAfternoon",
        places=(2, 8),
        questions=(SUBJECTS,),
        branches=True,
    ),
    role(
        "youth_club",
        ("Youth club volunteer", "Youth worker volunteer (evenings)"),
        "Help run evening youth club sessions: games, cooking, sport and a listening ear.",
        """Our youth club is a safe, free space for 11 to 18 year olds in {place}. Each
        evening session has pool, music, cooking, sports and a quiet room for anyone who
        wants to talk. Volunteers work alongside qualified youth workers, join in and help
        keep things running smoothly. An enhanced DBS check and safeguarding training are
        required before you start.""",
        commitment="regular",
        causes="YouthAndChildren ResidentsDisadvantagedNeighbourhoods",
        skills="BasicSafeguarding ConflictDeescalation PublicEngagement CooperativeWork",
        requirements="DBSCheck",
        accessibility="PublicTransportAccess",
        hours=(2.5, 3),
        sessions="MondayEvening TuesdayEvening WednesdayEvening ThursdayEvening FridayEvening",
        places=(2, 6),
        questions=(CHILDREN,),
        branches=True,
    ),
    role(
        "youth_mentor",
        ("Mentor for a young person", "Volunteer mentor (young people 16 to 25)"),
        "Meet a young person once a week to help them towards work, training or study.",
        """Our mentors are matched with a young person aged 16 to 25 who is not in work,
        education or training. Over six months you will meet weekly, in a cafe or at our
        centre, to help them set goals, practise for interviews and build confidence. You
        will have three evenings of training and monthly supervision. An enhanced DBS
        check is needed.""",
        commitment="regular",
        causes="YouthAndChildren Unemployment",
        skills="ActiveListening ProfessionalBoundaries ReliabilityAndTrustworthiness",
        requirements="DBSCheck",
        accessibility="ExpensesPaid PublicTransportAccess",
        hours=(1, 2),
        sessions="MondayEvening TuesdayEvening WednesdayAfternoon ThursdayEvening SaturdayMorning",
        minimum_age=21,
        places=(3, 10),
        questions=(WHY, "What would you hope a young person gets from having you as a mentor?"),
    ),
    role(
        "holiday_club",
        ("Holiday club play volunteer", "School holiday activity club helper"),
        "Help run games, crafts and trips at a free holiday club with lunch included.",
        """During the school holidays many children miss out on activities and a hot
        meal. Our holiday club runs for a few weeks with sports, crafts, cooking and day
        trips, and lunch for everyone. Volunteers help the play leaders run activities and
        serve food. Come for as many days as you can. A DBS check is needed (we arrange
        it); 16 and 17 year olds can join as young leaders.""",
        commitment="regular",
        causes="YouthAndChildren LowIncomeHouseholds Families",
        skills="CooperativeWork BasicSafeguarding PublicEngagement",
        requirements="DBSCheck",
        accessibility="PublicTransportAccess",
        hours=(6, 20),
        sessions="MondayMorning TuesdayMorning WednesdayMorning ThursdayMorning FridayMorning",
        session_count=(3, 5),
        minimum_age=16,
        places=(4, 12),
        fixed_term_weeks=4,
    ),
    role(
        "junior_football",
        ("Junior football coach", "Under-11s football volunteer coach"),
        "Coach a children's football team on Saturday mornings; badges and kit provided.",
        """Our grassroots club has teams from under-7s to under-11s and always needs more
        adults to help. You will run drills, referee small-sided games and make sure
        everyone gets a go. We pay for your introductory coaching badge, first aid course
        and DBS check. Enthusiasm matters much more than skill.""",
        commitment="regular",
        causes="YouthAndChildren SportOutdoorActivities",
        skills="LeadingSmallGroups BasicFirstAid BasicSafeguarding",
        requirements="DBSCheck OutdoorWorkAbility WaterproofsWarmLayers",
        accessibility="ParkingAvailability",
        hours=(2, 3),
        sessions="SaturdayMorning WednesdayEvening",
        session_count=(1, 2),
        places=(2, 5),
    ),
    role(
        "youth_ambassador",
        ("Young volunteer ambassador", "Youth voice ambassador (ages 14 to 24)"),
        "Shape our work with young people: plan events, speak up and run our social media.",
        """We want young people to have a real say in what we do. Ambassadors aged 14 to
        24 meet monthly (online or in person) to plan events, review our projects, speak at
        meetings and help with social media. It looks great on a CV or UCAS form, and we
        provide references and certificates. Under-18s need a parent or carer's
        permission.""",
        commitment="flexible",
        causes="YouthAndChildren Community",
        skills="PublicEngagement SocialMediaHandling CooperativeWork",
        accessibility="RemoteAccessibility PublicTransportAccess ExpensesPaid",
        hours=(1, 3),
        sessions="WednesdayEvening SaturdayAfternoon",
        minimum_age=14,
        maximum_age=24,
        mode="both",
        places=(5, 15),
        inherit_causes=True,
    ),
    role(
        "code_club",
        ("Coding club helper", "Code club volunteer at the library"),
        "Help children aged 9 to 13 learn to code with Scratch and Python.",
        """Our free coding club meets at the library after school. Children work through
        project guides at their own pace, and volunteers help them when they get stuck. If
        you can follow a recipe and are happy to learn alongside the children, you can do
        this; no programming job required. A DBS check is needed and paid for by us.""",
        commitment="regular",
        causes="YouthAndChildren EducationLanguages",
        skills="BasicITSkills PatienceAndUnderstanding BasicSafeguarding",
        requirements="DBSCheck",
        accessibility="BuildingAccessibilityFeatures PublicTransportAccess TechnologyAvailability",
        hours=(1.5, 1.5),
        sessions="TuesdayAfternoon ThursdayAfternoon SaturdayMorning",
        session_count=(1, 1),
        places=(2, 4),
        branches=True,
    ),
    role(
        "conversation_club",
        ("English conversation club host", "Conversation cafe volunteer"),
        "Chat with adults learning English at a relaxed weekly conversation club.",
        """People newly arrived in {place} often want to practise everyday English in a
        friendly setting. At our conversation club you will sit with a small table of
        learners and chat about daily life, with topic cards to help. You do not need to
        speak another language or have teaching experience, just patience and curiosity.
        Everyone taking part is an adult, so no DBS check is needed.""",
        commitment="regular",
        causes="RefugeesAsylumSeekers EducationLanguages EthnicMinorities",
        skills="ClearSpokenCommunication CulturalSensitivity PatienceAndUnderstanding",
        accessibility="PublicTransportAccess BuildingAccessibilityFeatures",
        hours=(1.5, 2),
        sessions="MondayEvening WednesdayMorning ThursdayEvening SaturdayMorning",
        session_count=(1, 1),
        places=(3, 10),
        branches=True,
    ),
    role(
        "online_english",
        ("Online English tutor for adults", "Remote English language volunteer"),
        "Teach English one-to-one by video call to an adult refugee or asylum seeker.",
        """Learning English is the key to work, friendships and getting around. You will
        be matched with an adult learner and meet by video call once or twice a week,
        using our lesson materials. Some teaching experience or a TEFL certificate is
        useful but not essential: we run a short online course for new tutors.""",
        commitment="regular",
        causes="RefugeesAsylumSeekers EducationLanguages",
        skills="ClearSpokenCommunication CulturalSensitivity RemoteCommunicationTools",
        accessibility="RemoteAccessibility TechnologyRequirements",
        hours=(1, 2),
        sessions="MondayEvening TuesdayMorning WednesdayEvening ThursdayMorning SundayAfternoon",
        mode="remote",
        places=(5, 30),
        questions=("Do you have any teaching or tutoring experience?",),
    ),
    role(
        "welcome_desk",
        ("Welcome desk volunteer at a refugee drop-in", "Drop-in welcome volunteer"),
        "Greet people at our weekly drop-in and connect them with advice and support.",
        """Our drop-in offers refugees and asylum seekers advice, a hot drink, donated
        clothes and a friendly welcome. Welcome volunteers greet people, take names for the
        advice queue, explain what is on offer and make sure nobody is left sitting alone.
        Speaking Arabic, Farsi, Tigrinya, Kurdish, Ukrainian or French is a big help but not
        required.""",
        commitment="regular",
        causes="RefugeesAsylumSeekers EthnicMinorities",
        skills="CulturalSensitivity PublicEngagement CrowdQueueManagement",
        requirements="LocalSupportServicesAwareness",
        accessibility="PublicTransportAccess LanguageRequirements",
        hours=(3, 4),
        sessions="TuesdayMorning WednesdayAfternoon FridayMorning",
        session_count=(1, 1),
        places=(2, 6),
        questions=("Which languages do you speak?",),
    ),
    role(
        "family_support",
        ("Family support volunteer", "Home-visiting volunteer for families with young children"),
        "Visit a family with young children each week to offer practical and emotional support.",
        """Parents juggling a new baby, twins or a difficult time can feel overwhelmed.
        Our home-visiting volunteers spend a couple of hours a week with one family: playing
        with the children, going to a toddler group together, or just listening over a cup
        of tea. You will complete a four-day preparation course and have a named
        coordinator. A DBS check is required.""",
        commitment="regular",
        causes="Families Parents YouthAndChildren LoneParents",
        skills="EmpathyAndCompassion ActiveListening BasicSafeguarding ProfessionalBoundaries",
        requirements="DBSCheck",
        accessibility="ExpensesPaid",
        hours=(2, 3),
        sessions="MondayMorning TuesdayMorning WednesdayAfternoon ThursdayMorning FridayMorning",
        places=(2, 8),
        questions=(WHY, CHILDREN),
    ),
    role(
        "stay_and_play",
        ("Stay-and-play group helper", "Toddler group volunteer"),
        "Set up toys, make the tea and welcome parents and carers to our toddler group.",
        """Our weekly stay-and-play session is a lifeline for parents and carers of under
        fives. Volunteers set out toys and crafts, welcome newcomers, serve drinks and
        tidy up. Children always stay with their own parent or carer, so no DBS check is
        needed. A great role for anyone who can spare a weekday morning.""",
        commitment="regular",
        causes="Families Parents LocalCommunity",
        skills="PublicEngagement CooperativeWork",
        accessibility="BuildingAccessibilityFeatures ParkingAvailability",
        hours=(2, 2),
        sessions="MondayMorning WednesdayMorning FridayMorning",
        session_count=(1, 1),
        minimum_age=16,
        places=(1, 4),
    ),
    role(
        "young_carers",
        ("Young carers group volunteer", "Activity helper for young carers"),
        "Help run fun evenings and trips for children who look after someone at home.",
        """Young carers spend much of their time looking after a parent, brother or sister.
        Our groups give them a break: games, cooking, days out and time with others who
        understand. Volunteers help plan and run activities and are a friendly, reliable
        adult to talk to. Enhanced DBS check and safeguarding training required.""",
        commitment="regular",
        causes="YouthAndChildren Care Families",
        skills="EmpathyAndCompassion BasicSafeguarding CooperativeWork",
        requirements="DBSCheck",
        accessibility="ExpensesPaid PublicTransportAccess",
        hours=(2, 3),
        sessions="TuesdayEvening ThursdayEvening SaturdayMorning",
        places=(2, 6),
        questions=(CHILDREN,),
        branches=True,
    ),
)
