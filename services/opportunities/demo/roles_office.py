"""Role templates: trustees, advice, office and skills-based roles, many of them remote."""

from __future__ import annotations

from services.opportunities.demo.templates import RoleTemplate, role

WHY = "Why would you like to volunteer with us?"
SKILLS = "Tell us briefly about the skills or experience you would bring."

ROLES: tuple[RoleTemplate, ...] = (
    role(
        "trustee",
        ("Trustee", "Trustee: join our board"),
        "Help steer {org} as a member of our board of trustees.",
        """Our trustees are responsible for the charity's direction, finances and good
        governance. The board meets six times a year (evenings, in person in {place} or by
        video) and trustees also join one small working group. We especially welcome people
        with lived experience of the issues we work on and people from communities under-
        represented on charity boards. Induction and training provided.""",
        commitment="flexible",
        causes="Community",
        skills="LeadingSmallGroups CooperativeWork ManagingTeamConflict",
        accessibility="RemoteAccessibility ExpensesPaid",
        hours=(1, 2),
        sessions="TuesdayEvening WednesdayEvening ThursdayEvening",
        session_count=(1, 1),
        mode="both",
        places=(1, 3),
        questions=(WHY, SKILLS),
        inherit_causes=True,
        once=True,
    ),
    role(
        "treasurer",
        ("Treasurer (trustee)", "Volunteer treasurer"),
        "Keep an eye on the money: join the board as our honorary treasurer.",
        """We are looking for a treasurer to oversee our budget, present the accounts to
        the board and work with our bookkeeper and independent examiner. Experience of
        finance or bookkeeping is needed, though not necessarily in a charity. Most of the
        work can be done from home, plus six evening board meetings a year.""",
        commitment="flexible",
        causes="Community",
        skills="DataEntryAndReporting ReliabilityAndTrustworthiness IndependentWork",
        accessibility="RemoteAccessibility ExpensesPaid",
        hours=(1, 3),
        mode="both",
        places=(1, 1),
        questions=(SKILLS,),
        inherit_causes=True,
        once=True,
    ),
    role(
        "social_media",
        ("Social media volunteer", "Social media and content helper"),
        "Help us share our stories online: posts, photos and short videos.",
        """We do amazing work but are not great at telling people about it. You will plan
        and write posts, edit photos and short videos, reply to comments and help us reach
        more volunteers and supporters. Work from home at times that suit you, with a
        short video call each fortnight. Great for building a portfolio.""",
        commitment="flexible",
        causes="Community",
        skills="SocialMediaHandling SmartphoneUse IndependentWork",
        accessibility="RemoteAccessibility TechnologyRequirements",
        hours=(1, 4),
        minimum_age=16,
        mode="remote",
        places=(1, 2),
        questions=("Share a link to anything you have made or posted that you are proud of.",),
        inherit_causes=True,
        once=True,
    ),
    role(
        "grant_writer",
        ("Grant-writing volunteer", "Funding research and bid writing volunteer"),
        "Research trusts and help write funding bids, from home.",
        """Small charities like ours depend on grants. You will research trusts and
        foundations that fit our work, draft applications with our manager and keep our
        funding calendar up to date. Experience of writing bids or reports is useful; clear
        writing and attention to detail are essential.""",
        commitment="flexible",
        causes="Community",
        skills="IndependentWork DataEntryAndReporting RelayAccurateInformation",
        accessibility="RemoteAccessibility TechnologyRequirements",
        hours=(2, 5),
        mode="remote",
        places=(1, 2),
        questions=(SKILLS,),
        inherit_causes=True,
        once=True,
    ),
    role(
        "archive_transcription",
        ("Archive transcription volunteer", "Online volunteer: transcribe historic records"),
        "Transcribe handwritten letters and records online, ten minutes at a time.",
        """Help unlock our archive by typing up scanned letters, diaries and parish
        records on our online platform. Each page takes about ten minutes, and you can do
        as many or as few as you like, whenever you like. Your transcriptions make the
        collection searchable for researchers and family historians everywhere.""",
        commitment="micro",
        causes="Heritage ArtsAndCulture",
        skills="DataEntryAndReporting IndependentWork",
        accessibility="RemoteAccessibility DigitalAccessibility",
        minimum_age=16,
        mode="remote",
        places=None,
    ),
    role(
        "photo_tagging",
        ("Online photo tagging volunteer", "Micro-volunteer: describe photos for our archive"),
        "Add short descriptions to photos so people using screen readers can enjoy them.",
        """A few minutes at a time, from your phone or computer: look at photos from our
        collection and write a one-line description so that blind and partially sighted
        people using screen readers can enjoy them too. We give you a short guide with
        examples. No sign-up meetings, no minimum commitment.""",
        commitment="micro",
        causes="SensoryImpairment Heritage",
        skills="SmartphoneUse IndependentWork",
        accessibility="RemoteAccessibility DigitalAccessibility VisualImpairment",
        minimum_age=14,
        mode="remote",
        places=None,
    ),
    role(
        "office_admin",
        ("Office and data volunteer", "Admin support volunteer"),
        "Help our small team with data entry, filing, phone calls and mailings.",
        """Behind every project is a pile of admin. You will help keep our database up to
        date, answer the phone, prepare mailings and keep the office running smoothly. A
        good role for someone returning to work or wanting recent office experience; we
        are happy to give references.""",
        commitment="regular",
        causes="Community",
        skills="DataEntryAndReporting BasicITSkills BasicRecordKeeping",
        accessibility="BuildingAccessibilityFeatures PublicTransportAccess",
        hours=(3, 6),
        sessions="MondayMorning TuesdayMorning WednesdayAfternoon ThursdayMorning FridayMorning",
        minimum_age=16,
        places=(1, 3),
        inherit_causes=True,
    ),
    role(
        "money_advice",
        ("Money and benefits advice volunteer", "Volunteer adviser (full training given)"),
        "Help people sort out benefits, debts and bills after our accredited training.",
        """Our volunteer advisers help people check what benefits they are entitled to,
        deal with debts and sort out energy and council tax problems. You will complete
        accredited training over about three months, then give advice face to face in
        {place}, by phone or online, with a supervisor checking every case. No previous
        experience needed, just a commitment of a day a week.""",
        commitment="regular",
        causes="AntiPoverty LowIncomeHouseholds",
        skills="ActiveListening RelayAccurateInformation ProfessionalBoundaries "
        "DataEntryAndReporting",
        requirements="LocalSupportServicesAwareness",
        accessibility="RemoteAccessibility BuildingAccessibilityFeatures ExpensesPaid",
        hours=(6, 7),
        sessions="MondayMorning TuesdayMorning WednesdayMorning ThursdayMorning FridayMorning",
        session_count=(1, 1),
        mode="both",
        places=(2, 6),
        questions=(WHY, "Can you commit to around 12 weeks of training?"),
    ),
    role(
        "vc_desk",
        ("Volunteer centre front desk", "Volunteering information volunteer"),
        "Help local people find volunteering that suits them, at our drop-in or by phone.",
        """We help people across {place} find the right volunteering role. Desk volunteers
        meet people at our drop-in, listen to what they are looking for and help them
        search and apply. Good listeners who know the area are ideal. Training provided; a
        great way to learn about every local charity at once.""",
        commitment="regular",
        causes="LocalCommunity Community",
        skills="ActiveListening BasicITSkills PublicEngagement",
        requirements="LocalSupportServicesAwareness",
        accessibility="BuildingAccessibilityFeatures PublicTransportAccess",
        hours=(3, 3),
        sessions="MondayMorning TuesdayAfternoon WednesdayMorning ThursdayAfternoon",
        session_count=(1, 1),
        places=(2, 5),
    ),
    role(
        "good_neighbour",
        ("Good neighbour volunteer", "Neighbourhood help: shopping and small jobs"),
        "Help a neighbour with shopping, prescriptions or a small job around the house.",
        """Our good neighbour scheme matches people who need a hand with volunteers
        living nearby. Requests are usually small: collecting a prescription, changing a
        light bulb, walking a dog or posting a letter. You get requests by text and say
        yes only when you can. As you will visit people's homes, we ask for a DBS check.""",
        commitment="micro",
        causes="OlderPeople LocalCommunity Disability",
        skills="ReliabilityAndTrustworthiness SmartphoneUse",
        requirements="DBSCheck",
        accessibility="ExpensesPaid",
        places=(5, 30),
        branches=True,
    ),
    role(
        "community_champion",
        ("Community connector", "Community champion (spread the word)"),
        "Tell neighbours about local services and help shape what happens in your area.",
        """Community connectors are local people who know what is going on and pass it
        on: dropping leaflets at the school gate, chatting at the bus stop, letting us know
        what people in {place} need. There is a monthly get-together with tea and cake and
        a small budget for community events.""",
        commitment="flexible",
        causes="LocalCommunity ResidentsDisadvantagedNeighbourhoods",
        skills="PublicEngagement RelayAccurateInformation",
        accessibility="ExpensesPaid PublicTransportAccess",
        hours=(1, 2),
        minimum_age=16,
        places=(5, 20),
        branches=True,
    ),
)

# Remote skills-based roles most small organisations can offer.
REMOTE_ROLES: tuple[RoleTemplate, ...] = (
    role(
        "translator",
        ("Volunteer translator", "Translation volunteer (leaflets and letters)"),
        "Translate short leaflets, letters and web pages into community languages.",
        """Many of the people we support read little English. Our volunteer translators
        turn short leaflets, appointment letters and web pages into community languages
        such as Polish, Urdu, Arabic, Romanian, Welsh or Ukrainian. Jobs are small and
        sent by email with a deadline of a week or more; take them when you can.""",
        commitment="micro",
        causes="EthnicMinorities RefugeesAsylumSeekers",
        skills="CulturalSensitivity RelayAccurateInformation IndependentWork",
        accessibility="RemoteAccessibility LanguageRequirements",
        minimum_age=18,
        mode="remote",
        places=None,
        questions=("Which languages can you translate to and from?",),
        inherit_causes=True,
        once=True,
    ),
    role(
        "web_helper",
        ("Website volunteer", "Website and newsletter helper"),
        "Keep our website and monthly email newsletter up to date, from home.",
        """Our website is often the first thing people see. You will update news and
        event pages, check links, and put together our monthly email newsletter from
        stories the team sends you. Experience of WordPress or a mailing tool helps, but
        we can show you the basics.""",
        commitment="flexible",
        causes="Community",
        skills="BasicITSkills IndependentWork SocialMediaHandling",
        accessibility="RemoteAccessibility TechnologyRequirements",
        hours=(1, 3),
        minimum_age=16,
        mode="remote",
        places=(1, 2),
        inherit_causes=True,
        once=True,
    ),
    role(
        "data_volunteer",
        ("Data and impact volunteer", "Spreadsheet and survey analysis volunteer"),
        "Help us understand our impact by tidying and analysing our data.",
        """We collect lots of information (attendance, feedback surveys, referrals) but
        rarely have time to make sense of it. You will tidy spreadsheets, build simple
        charts and help write our annual impact report. Good spreadsheet skills needed;
        everything is done remotely with a monthly video call.""",
        commitment="flexible",
        causes="Community",
        skills="DataEntryAndReporting BasicITSkills IndependentWork",
        accessibility="RemoteAccessibility TechnologyRequirements",
        hours=(1, 4),
        mode="remote",
        places=(1, 1),
        questions=(SKILLS,),
        inherit_causes=True,
        once=True,
    ),
)
