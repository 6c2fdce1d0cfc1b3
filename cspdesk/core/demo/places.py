"""Fictional people and real-sounding South Derbyshire places for the demo data.

Streets are invented; towns, wards and postcode districts are real so that maps and ward counts
look right. Nobody in the demo is a real person.
"""

FORENAMES = [
    "Oliver", "George", "Harry", "Jack", "Jacob", "Noah", "Charlie", "Thomas", "Oscar", "William",
    "James", "Leo", "Alfie", "Henry", "Joshua", "Freddie", "Archie", "Ethan", "Isaac", "Alexander",
    "Olivia", "Amelia", "Isla", "Ava", "Emily", "Sophie", "Grace", "Mia", "Poppy", "Ella", "Lily",
    "Evie", "Chloe", "Jessica", "Ruby", "Daisy", "Freya", "Sienna", "Zoë", "Siân", "Aisha", "Priya",
    "Mohammed", "Tomasz", "Agnieszka", "Kwame", "Niamh", "Callum", "Kayleigh", "Dean", "Tracey",
    "Gary", "Karen", "Darren", "Lee", "Mandy", "Brian", "Margaret", "Derek", "Pauline", "Ian", "Julie",
]
SURNAMES = [
    "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Robinson", "Wright",
    "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall", "Wood", "Jackson", "Clarke",
    "Patel", "Khan", "Hughes", "Edwards", "Turner", "Hill", "Moore", "Cooper", "Ward", "Morris",
    "Harrison", "Baker", "Marsh", "Bancroft", "Gresley", "Orme", "Slater", "Tunnicliffe", "Hollis",
    "O'Brien", "Kowalski", "Nowak", "Mensah", "Singh", "Kaur", "Begum", "McAllister", "Fairbrother",
    "Pickering", "Brassington", "Tomlinson", "Upton", "Woolley", "Shipley", "Bradbury", "Cresswell",
]

# town, ward, parish (or None), postcode district, invented streets
TOWNS = [
    ("Swadlincote", "Swadlincote", None, "DE11", ["Alexandra Road", "Belmont Street", "Hearthcote Road", "Midland Road", "Civic Way Mews", "Sandcliffe Road", "Pool Road"]),
    ("Church Gresley", "Church Gresley", "Castle Gresley", "DE11", ["Church Street", "Market Street", "Moira Road", "Gresley Wood Road"]),
    ("Woodville", "Woodville", "Woodville", "DE11", ["High Street", "Burton Road", "Hepworth Road", "Woodland Road"]),
    ("Midway", "Midway", None, "DE11", ["Midway Road", "Coppice Side", "Mount Pleasant Road", "Springfield Road"]),
    ("Newhall", "Newhall and Stanton", None, "DE11", ["Park Road", "Bretby Road", "Oversetts Road", "High Street"]),
    ("Linton", "Linton", "Linton", "DE12", ["Main Street", "Colliery Lane", "Hillside Avenue"]),
    ("Overseal", "Seales", "Overseal", "DE12", ["Woodville Road", "Burton Road", "Valley Road"]),
    ("Melbourne", "Melbourne", "Melbourne", "DE73", ["Castle Street", "Derby Road", "Penn Lane", "Church Square"]),
    ("Aston-on-Trent", "Aston", "Aston-upon-Trent", "DE72", ["The Green", "Derby Road", "Shardlow Road"]),
    ("Weston-on-Trent", "Aston", "Weston-upon-Trent", "DE72", ["Trent Lane", "Victoria Street"]),
    ("Hilton", "Hilton", "Hilton", "DE65", ["Egginton Road", "Station Road", "The Mease", "Welland Road"]),
    ("Etwall", "Etwall", "Etwall", "DE65", ["Main Street", "Willington Road", "Hilton Road"]),
    ("Hatton", "Hatton", "Hatton", "DE65", ["Station Road", "Derby Road", "Scropton Road"]),
    ("Repton", "Repton", "Repton", "DE65", ["Boot Hill", "Willington Road", "Mount Pleasant"]),
    ("Willington", "Willington and Findern", "Willington", "DE65", ["The Castleways", "Repton Road", "Twyford Road"]),
    ("Findern", "Willington and Findern", "Findern", "DE65", ["Heath Lane", "Castle Hill", "Main Street"]),
    ("Stenson Fields", "Stenson", "Stenson Fields", "DE24", ["Stenson Road", "Wragley Way", "Grampian Way"]),
]

# place name, town, place type, postcode, lat, lon
PLACES = [
    ("Eureka Park", "Swadlincote", "park", "DE11 0AF", 52.7745, -1.5560),
    ("Swadlincote Town Centre (The Delph)", "Swadlincote", "town_centre", "DE11 0AN", 52.7731, -1.5574),
    ("Maurice Lea Memorial Park", "Church Gresley", "park", "DE11 9PT", 52.7617, -1.5660),
    ("Midway Recreation Ground", "Midway", "open_space", "DE11 7NR", 52.7851, -1.5604),
    ("Newhall Park", "Newhall", "park", "DE11 0QW", 52.7869, -1.5803),
    ("Woodville Woodlands", "Woodville", "open_space", "DE11 8DU", 52.7673, -1.5348),
    ("Melbourne Market Place", "Melbourne", "town_centre", "DE73 8DS", 52.8236, -1.4278),
    ("A50 layby near Hilton", "Hilton", "layby", "DE65 5HG", 52.8727, -1.6312),
    ("A50 Toyota Island services", "Findern", "service_station", "DE65 6AB", 52.8650, -1.5540),
    ("A38 layby at Findern", "Findern", "layby", "DE65 6AZ", 52.8666, -1.5588),
    ("Etwall Fields", "Etwall", "rural_land", "DE65 6LN", 52.8820, -1.6050),
    ("Willington Station car park", "Willington", "car_park", "DE65 6BU", 52.8544, -1.5613),
    ("Repton village green", "Repton", "open_space", "DE65 6FJ", 52.8390, -1.5505),
    ("Hilton Village Hall grounds", "Hilton", "open_space", "DE65 5FJ", 52.8722, -1.6258),
    ("Linton Heath play area", "Linton", "park", "DE12 6PE", 52.7470, -1.5950),
]
