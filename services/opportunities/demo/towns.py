"""Towns and cities across Great Britain where the demo roles are placed.

Centres are approximate WGS84 town-centre positions; ``pick_postcodes.py`` picks real
postcodes near each one. Weights (1-6) say how many roles a place gets, roughly by
population, so every region down to the islands has something nearby.
"""

from __future__ import annotations

from services.opportunities.demo.templates import Town, codes

LONDON = "London"
SOUTH_EAST = "South East"
SOUTH_WEST = "South West"
EAST = "East of England"
EAST_MIDLANDS = "East Midlands"
WEST_MIDLANDS = "West Midlands"
NORTH_WEST = "North West"
NORTH_EAST = "North East"
YORKSHIRE = "Yorkshire and the Humber"
WALES = "Wales"
SCOTLAND = "Scotland"

_T = Town

TOWNS: tuple[Town, ...] = (
    # London
    _T("southwark", "Southwark", LONDON, 51.4975, -0.0900, 5),
    _T("camden", "Camden", LONDON, 51.5390, -0.1426, 3),
    _T("hackney", "Hackney", LONDON, 51.5450, -0.0550, 3),
    _T("stratford", "Stratford", LONDON, 51.5416, -0.0022, 3),
    _T("brixton", "Brixton", LONDON, 51.4613, -0.1156, 3),
    _T("lewisham", "Lewisham", LONDON, 51.4613, -0.0107, 2),
    _T("croydon", "Croydon", LONDON, 51.3762, -0.0982, 3),
    _T("ealing", "Ealing", LONDON, 51.5130, -0.3048, 3),
    _T("tottenham", "Tottenham", LONDON, 51.5975, -0.0681, 2),
    _T("kingston", "Kingston upon Thames", LONDON, 51.4123, -0.3007, 2),
    # South East
    _T("brighton", "Brighton", SOUTH_EAST, 50.8225, -0.1372, 4),
    _T("oxford", "Oxford", SOUTH_EAST, 51.7520, -1.2577, 4),
    _T("reading", "Reading", SOUTH_EAST, 51.4543, -0.9781, 3),
    _T("southampton", "Southampton", SOUTH_EAST, 50.9097, -1.4044, 3),
    _T("portsmouth", "Portsmouth", SOUTH_EAST, 50.7989, -1.0912, 3),
    _T("canterbury", "Canterbury", SOUTH_EAST, 51.2802, 1.0789, 2),
    _T("maidstone", "Maidstone", SOUTH_EAST, 51.2720, 0.5290, 2),
    _T("guildford", "Guildford", SOUTH_EAST, 51.2362, -0.5704, 2),
    _T("milton-keynes", "Milton Keynes", SOUTH_EAST, 52.0406, -0.7594, 3),
    _T("crawley", "Crawley", SOUTH_EAST, 51.1092, -0.1872, 2),
    _T("hastings", "Hastings", SOUTH_EAST, 50.8543, 0.5735, 2),
    _T("newport-iow", "Newport, Isle of Wight", SOUTH_EAST, 50.7008, -1.2925, 1),
    _T("chichester", "Chichester", SOUTH_EAST, 50.8376, -0.7749, 1),
    # South West
    _T("bristol", "Bristol", SOUTH_WEST, 51.4545, -2.5879, 5),
    _T("plymouth", "Plymouth", SOUTH_WEST, 50.3755, -4.1427, 4),
    _T("exeter", "Exeter", SOUTH_WEST, 50.7236, -3.5275, 3),
    _T("bath", "Bath", SOUTH_WEST, 51.3811, -2.3590, 2),
    _T("bournemouth", "Bournemouth", SOUTH_WEST, 50.7200, -1.8790, 3),
    _T("truro", "Truro", SOUTH_WEST, 50.2632, -5.0510, 2),
    _T("penzance", "Penzance", SOUTH_WEST, 50.1188, -5.5376, 1),
    _T("barnstaple", "Barnstaple", SOUTH_WEST, 51.0800, -4.0580, 1),
    _T("gloucester", "Gloucester", SOUTH_WEST, 51.8642, -2.2382, 2),
    _T("swindon", "Swindon", SOUTH_WEST, 51.5580, -1.7820, 2),
    _T("taunton", "Taunton", SOUTH_WEST, 51.0150, -3.1030, 2),
    _T("salisbury", "Salisbury", SOUTH_WEST, 51.0688, -1.7945, 1),
    _T("dorchester", "Dorchester", SOUTH_WEST, 50.7154, -2.4367, 1),
    # East of England
    _T("norwich", "Norwich", EAST, 52.6309, 1.2974, 4),
    _T("cambridge", "Cambridge", EAST, 52.2053, 0.1218, 4),
    _T("ipswich", "Ipswich", EAST, 52.0567, 1.1482, 3),
    _T("peterborough", "Peterborough", EAST, 52.5725, -0.2430, 3),
    _T("colchester", "Colchester", EAST, 51.8892, 0.9042, 2),
    _T("chelmsford", "Chelmsford", EAST, 51.7356, 0.4685, 2),
    _T("luton", "Luton", EAST, 51.8787, -0.4200, 2),
    _T("southend", "Southend-on-Sea", EAST, 51.5400, 0.7110, 2),
    _T("kings-lynn", "King's Lynn", EAST, 52.7543, 0.3976, 1),
    _T("bury-st-edmunds", "Bury St Edmunds", EAST, 52.2463, 0.7111, 1),
    _T("cromer", "Cromer", EAST, 52.9310, 1.3010, 1),
    # East Midlands
    _T("nottingham", "Nottingham", EAST_MIDLANDS, 52.9548, -1.1581, 4),
    _T("leicester", "Leicester", EAST_MIDLANDS, 52.6369, -1.1320, 4),
    _T("derby", "Derby", EAST_MIDLANDS, 52.9225, -1.4746, 3),
    _T("lincoln", "Lincoln", EAST_MIDLANDS, 53.2307, -0.5406, 2),
    _T("northampton", "Northampton", EAST_MIDLANDS, 52.2370, -0.8960, 3),
    _T("chesterfield", "Chesterfield", EAST_MIDLANDS, 53.2350, -1.4210, 2),
    _T("boston", "Boston", EAST_MIDLANDS, 52.9760, -0.0240, 1),
    _T("buxton", "Buxton", EAST_MIDLANDS, 53.2590, -1.9110, 1),
    _T("skegness", "Skegness", EAST_MIDLANDS, 53.1436, 0.3363, 1),
    # West Midlands
    _T("birmingham", "Birmingham", WEST_MIDLANDS, 52.4797, -1.9026, 6),
    _T("coventry", "Coventry", WEST_MIDLANDS, 52.4068, -1.5197, 3),
    _T("wolverhampton", "Wolverhampton", WEST_MIDLANDS, 52.5860, -2.1280, 3),
    _T("stoke", "Stoke-on-Trent", WEST_MIDLANDS, 53.0250, -2.1770, 3),
    _T("worcester", "Worcester", WEST_MIDLANDS, 52.1920, -2.2200, 2),
    _T("hereford", "Hereford", WEST_MIDLANDS, 52.0565, -2.7160, 1),
    _T("shrewsbury", "Shrewsbury", WEST_MIDLANDS, 52.7073, -2.7553, 2),
    _T("telford", "Telford", WEST_MIDLANDS, 52.6766, -2.4469, 2),
    # North West
    _T("manchester", "Manchester", NORTH_WEST, 53.4808, -2.2426, 6),
    _T("liverpool", "Liverpool", NORTH_WEST, 53.4090, -2.9720, 5),
    _T("preston", "Preston", NORTH_WEST, 53.7632, -2.7031, 3),
    _T("bolton", "Bolton", NORTH_WEST, 53.5780, -2.4290, 2),
    _T("stockport", "Stockport", NORTH_WEST, 53.4083, -2.1494, 2),
    _T("blackpool", "Blackpool", NORTH_WEST, 53.8175, -3.0357, 2),
    _T("chester", "Chester", NORTH_WEST, 53.1910, -2.8910, 2),
    _T("lancaster", "Lancaster", NORTH_WEST, 54.0466, -2.8007, 2),
    _T("carlisle", "Carlisle", NORTH_WEST, 54.8925, -2.9329, 2),
    _T("kendal", "Kendal", NORTH_WEST, 54.3280, -2.7460, 1),
    _T("keswick", "Keswick", NORTH_WEST, 54.6013, -3.1347, 1),
    _T("barrow", "Barrow-in-Furness", NORTH_WEST, 54.1108, -3.2261, 1),
    # North East
    _T("newcastle", "Newcastle upon Tyne", NORTH_EAST, 54.9740, -1.6130, 5),
    _T("sunderland", "Sunderland", NORTH_EAST, 54.9069, -1.3838, 3),
    _T("durham", "Durham", NORTH_EAST, 54.7761, -1.5733, 2),
    _T("middlesbrough", "Middlesbrough", NORTH_EAST, 54.5742, -1.2350, 3),
    _T("hexham", "Hexham", NORTH_EAST, 54.9710, -2.1010, 1),
    _T("alnwick", "Alnwick", NORTH_EAST, 55.4131, -1.7064, 1),
    _T("berwick", "Berwick-upon-Tweed", NORTH_EAST, 55.7710, -2.0070, 1),
    # Yorkshire and the Humber
    _T("leeds", "Leeds", YORKSHIRE, 53.7997, -1.5492, 5),
    _T("sheffield", "Sheffield", YORKSHIRE, 53.3811, -1.4701, 5),
    _T("bradford", "Bradford", YORKSHIRE, 53.7950, -1.7594, 3),
    _T("york", "York", YORKSHIRE, 53.9590, -1.0815, 3),
    _T("hull", "Hull", YORKSHIRE, 53.7457, -0.3367, 3),
    _T("doncaster", "Doncaster", YORKSHIRE, 53.5228, -1.1285, 2),
    _T("huddersfield", "Huddersfield", YORKSHIRE, 53.6458, -1.7850, 2),
    _T("harrogate", "Harrogate", YORKSHIRE, 53.9921, -1.5418, 2),
    _T("scarborough", "Scarborough", YORKSHIRE, 54.2831, -0.3998, 1),
    _T("whitby", "Whitby", YORKSHIRE, 54.4858, -0.6206, 1),
    _T("skipton", "Skipton", YORKSHIRE, 53.9620, -2.0170, 1),
    # Wales
    _T("cardiff", "Cardiff", WALES, 51.4816, -3.1791, 5),
    _T("swansea", "Swansea", WALES, 51.6214, -3.9436, 3),
    _T("newport-wales", "Newport", WALES, 51.5842, -2.9977, 2),
    _T("wrexham", "Wrexham", WALES, 53.0466, -2.9930, 2),
    _T("bangor", "Bangor", WALES, 53.2274, -4.1293, 1),
    _T("llandudno", "Llandudno", WALES, 53.3241, -3.8276, 1),
    _T("aberystwyth", "Aberystwyth", WALES, 52.4153, -4.0829, 1),
    _T("carmarthen", "Carmarthen", WALES, 51.8576, -4.3121, 1),
    _T("haverfordwest", "Haverfordwest", WALES, 51.8019, -4.9690, 1),
    _T("brecon", "Brecon", WALES, 51.9462, -3.3916, 1),
    _T("llandrindod", "Llandrindod Wells", WALES, 52.2422, -3.3783, 1),
    # Scotland
    _T("edinburgh", "Edinburgh", SCOTLAND, 55.9533, -3.1883, 5),
    _T("glasgow", "Glasgow", SCOTLAND, 55.8609, -4.2514, 5),
    _T("aberdeen", "Aberdeen", SCOTLAND, 57.1497, -2.0943, 3),
    _T("dundee", "Dundee", SCOTLAND, 56.4620, -2.9707, 3),
    _T("inverness", "Inverness", SCOTLAND, 57.4778, -4.2247, 4),
    _T("stirling", "Stirling", SCOTLAND, 56.1165, -3.9369, 2),
    _T("perth", "Perth", SCOTLAND, 56.3950, -3.4308, 2),
    _T("kirkcaldy", "Kirkcaldy", SCOTLAND, 56.1107, -3.1674, 2),
    _T("ayr", "Ayr", SCOTLAND, 55.4586, -4.6292, 2),
    _T("dumfries", "Dumfries", SCOTLAND, 55.0700, -3.6050, 1),
    _T("galashiels", "Galashiels", SCOTLAND, 55.6136, -2.8082, 1),
    _T("elgin", "Elgin", SCOTLAND, 57.6490, -3.3180, 1),
    _T("aviemore", "Aviemore", SCOTLAND, 57.1955, -3.8259, 1),
    _T("fort-william", "Fort William", SCOTLAND, 56.8198, -5.1052, 1),
    _T("oban", "Oban", SCOTLAND, 56.4152, -5.4716, 1),
    _T("portree", "Portree, Isle of Skye", SCOTLAND, 57.4129, -6.1942, 1),
    _T("stornoway", "Stornoway, Isle of Lewis", SCOTLAND, 58.2090, -6.3865, 1),
    _T("thurso", "Thurso", SCOTLAND, 58.5936, -3.5221, 1),
    _T("kirkwall", "Kirkwall, Orkney", SCOTLAND, 58.9810, -2.9600, 1),
    _T("lerwick", "Lerwick, Shetland", SCOTLAND, 60.1530, -1.1493, 1),
)

TOWNS_BY_KEY = {town.key: town for town in TOWNS}
REGIONS = tuple(dict.fromkeys(town.region for town in TOWNS))

# Places on or within a few miles of the sea, where beach cleans make sense.
COASTAL = frozenset(
    codes(
        """brighton southampton portsmouth hastings newport-iow chichester canterbury plymouth
        bournemouth truro penzance barnstaple southend colchester cromer kings-lynn skegness
        liverpool blackpool lancaster barrow newcastle sunderland middlesbrough alnwick berwick
        hull scarborough whitby cardiff swansea bangor llandudno aberystwyth haverfordwest
        edinburgh aberdeen dundee kirkcaldy ayr inverness elgin fort-william oban portree
        stornoway thurso kirkwall lerwick"""
    )
)
