"""Weighted name lists for the synthetic area.

Lists of common given names and surnames by broad heritage, so the synthetic population has the
ethnic diversity of an English town. Names are drawn independently (given name, surname, date of
birth, address), so every combination is invented: no record is or resembles a real person's.
Within each list, earlier names are more common (weights fall off as 1 / rank ** 0.7).
"""

from __future__ import annotations

import numpy as np

# Ethnicity: the 19 ONS 2021 Census categories (England and Wales), with short codes chosen for
# Tide. Code -> (label, name pool, weight among adults known to services in the synthetic area).
ETHNICITY: dict[str, tuple[str, str, float]] = {
    "W1": ("White: English, Welsh, Scottish, Northern Irish or British", "british", 0.715),
    "W2": ("White: Irish", "irish", 0.025),
    "W3": ("White: Gypsy or Irish Traveller", "irish", 0.012),
    "W4": ("White: Roma", "east_european", 0.005),
    "W5": ("White: Other White", "east_european", 0.060),
    "M1": ("Mixed: White and Asian", "mixed", 0.006),
    "M2": ("Mixed: White and Black African", "mixed", 0.006),
    "M3": ("Mixed: White and Black Caribbean", "caribbean", 0.012),
    "M4": ("Mixed: Other Mixed or Multiple ethnic groups", "mixed", 0.006),
    "A1": ("Asian or Asian British: Bangladeshi", "south_asian_muslim", 0.008),
    "A2": ("Asian or Asian British: Chinese", "east_asian", 0.004),
    "A3": ("Asian or Asian British: Indian", "indian", 0.014),
    "A4": ("Asian or Asian British: Pakistani", "south_asian_muslim", 0.018),
    "A5": ("Asian or Asian British: Other Asian", "east_asian", 0.008),
    "B1": ("Black, Black British, Caribbean or African: African", "african", 0.025),
    "B2": ("Black, Black British, Caribbean or African: Caribbean", "caribbean", 0.016),
    "B3": ("Black, Black British, Caribbean or African: Other Black", "african", 0.008),
    "O1": ("Other ethnic group: Arab", "arab", 0.006),
    "O2": ("Other ethnic group: Any other ethnic group", "mixed", 0.006),
}

_M = {
    "british": """James John David Michael Paul Mark Andrew Richard Robert Peter Stephen Christopher
        Daniel Thomas Matthew Anthony Steven Lee Gary Darren Craig Wayne Dean Jason Carl Scott Kevin
        William Joseph Liam Ryan Jamie Adam Luke Ben Sam Jack Callum Kyle Shane Ricky Nathan Simon
        Martin Ian Neil Alan Keith Colin Graham Brian Terry Tony Philip Jonathan Harry George Charlie
        Alfie Oliver Connor Jordan Aaron Josh Lewis Dale Stuart Barry Gavin Russell Jake Declan""",
    "irish": """Sean Patrick Michael John Kevin Declan Niall Ciaran Brendan Liam Conor Eoin Padraig
        Dermot Fergal Seamus Cormac Aidan Martin Thomas""",
    "east_european": """Piotr Tomasz Marcin Pawel Krzysztof Andrzej Jakub Lukasz Michal Adrian
        Bogdan Ion Vasile Andrei Florin Mihai Gheorghe Marius Darius Aleksandr Dmitri Sergei Jonas
        Tomas Mindaugas Janis Viktor Lajos""",
    "south_asian_muslim": """Mohammed Muhammad Ahmed Ali Imran Asif Tariq Bilal Hamza Usman Zubair
        Kamran Faisal Shahid Abdul Rashid Jamal Amir Hassan Nadeem Rizwan Yasir Sajid Shakil Rahim""",
    "indian": """Rajesh Sanjay Amit Vijay Ravi Sunil Anil Deepak Arjun Harpreet Gurpreet Jaswinder
        Manjit Sukhdev Rakesh Nikhil Pradeep Kuldip Vikram Ashok""",
    "east_asian": """Wei Jun Hao Ming Jian Lei Tuan Minh Duc Hung Kenji Ji-ho Min-jun Somchai Thanh
        Long Chen Kai""",
    "african": """Emmanuel Samuel Daniel Joseph Michael David Kwame Kofi Chinedu Oluwaseun Tunde
        Ibrahim Abdi Mohamed Yusuf Ahmed Tendai Blessing Godfrey Moses Isaac Femi Segun Jide""",
    "caribbean": """Marcus Andre Jermaine Tyrone Leon Delroy Winston Clive Errol Dwayne Anthony Kareem
        Jerome Curtis Trevor Lloyd Devon Nathaniel Junior Carlton""",
    "arab": """Omar Khalid Ahmad Mahmoud Youssef Karim Tariq Samir Nabil Walid Hussein Faris Rami
        Adel Ziad""",
    "mixed": """Jordan Tyler Kai Jayden Marcus Aaron Nathan Reece Elijah Isaac Louis Jacob Malik
        Theo Zac Leo""",
}

_F = {
    "british": """Sarah Claire Emma Nicola Lisa Michelle Joanne Karen Julie Tracey Donna Kelly Amanda
        Rachel Louise Helen Samantha Stacey Gemma Laura Lauren Jessica Hannah Amy Rebecca Charlotte
        Sophie Chloe Jade Danielle Kirsty Natalie Leanne Victoria Elizabeth Catherine Margaret Susan
        Jennifer Deborah Angela Sharon Dawn Jackie Wendy Carol Linda Patricia Christine Jane Ann
        Katie Zoe Megan Shannon Courtney Jodie Hayley Kayleigh Paige Abbie Ellie Holly Lucy""",
    "irish": """Siobhan Niamh Aoife Ciara Roisin Sinead Orla Mairead Bridget Mary Grainne Aisling
        Caoimhe Deirdre Fiona Maeve Eileen Kathleen""",
    "east_european": """Anna Katarzyna Agnieszka Magdalena Joanna Monika Ewa Natalia Aleksandra
        Ioana Elena Maria Andreea Mihaela Daniela Oksana Olena Irina Svetlana Ruta Inga Jurgita
        Marta Zuzana""",
    "south_asian_muslim": """Fatima Ayesha Aisha Sana Nadia Saima Shazia Rubina Shabana Nasreen
        Amina Zainab Maryam Hina Farzana Yasmin Rukhsana Sadia Salma Tasnim""",
    "indian": """Priya Sunita Anita Kiran Neha Pooja Harjit Manpreet Jaspreet Kamaljit Rajinder Asha
        Meena Deepa Reena Sita Parveen Sukhvinder""",
    "east_asian": """Mei Li Xin Ying Hui Lan Thi Linh Hoa Mai Yuki Ji-woo Seo-yeon Nicha Jing""",
    "african": """Grace Blessing Faith Joy Esther Comfort Patience Abena Ama Adaeze Chiamaka Funmilayo
        Ngozi Fatuma Hodan Amina Halima Ruth Mercy Precious""",
    "caribbean": """Marcia Sharon Jacqueline Paulette Donna Angela Beverley Simone Natasha Keisha
        Tanisha Shanice Chantelle Jasmine Monique Yvonne Carmen Sonia""",
    "arab": """Fatima Mariam Layla Noor Huda Rana Samira Leila Dina Rania Yasmin Hanan Salma""",
    "mixed": """Jasmine Aaliyah Maya Leah Mia Ella Nia Tia Kayla Skye Jada Aliyah Imani Zara""",
}

_SURNAMES = {
    "british": """Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts
        Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel
        Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan
        Allen James Scott Phillips Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly
        Cook Carter Richardson Bailey Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall
        Anderson Simpson Ellis Adams Singh Begum Wilkinson Foster Chapman Powell Webb Rogers Gray
        Mason Ali Hunt Hussain Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler
        Russell Barker Fisher Stevens Jenkins Dixon Fletcher Howard Pearson Gibson Andrews Hamilton
        Ford Elliott Reynolds Saunders Payne Fox Ross Grant Atkinson Chambers Spencer Stewart Burton
        Lawrence Pearce Dawson Walsh Kerr Hart Holland Booth Stone Lane Hudson Barrett Armstrong
        Whitehead Nicholson Hopkins Rhodes Riley Hayes Dunn Cole Bradley Ball Rowe Wells Kirby Garner
        Sutton Lowe Briggs Cartwright Hodgson Tattersall Ashworth Brierley Holt Kershaw""",
    "irish": """Murphy Kelly O'Sullivan Walsh O'Brien Byrne Ryan O'Connor O'Neill Reilly Doyle
        McCarthy Gallagher Doherty Kennedy Lynch Murray Quinn Moore McLoughlin Carroll Connolly Daly
        Connell Flanagan McDonagh Ward Joyce Maughan Casey""",
    "east_european": """Nowak Kowalski Wisniewski Wojcik Kowalczyk Kaminski Lewandowski Zielinski
        Szymanski Wozniak Dabrowski Kozlowski Popescu Ionescu Popa Stan Dumitru Stoica Constantin
        Kazlauskas Jankauskas Petrauskas Berzins Ivanov Petrov Horvath Novak Balogh Kovacs""",
    "south_asian_muslim": """Khan Ahmed Ali Hussain Akhtar Iqbal Mahmood Rehman Shah Butt Malik
        Rashid Chaudhry Begum Islam Uddin Miah Rahman Hossain Bibi Sheikh Qureshi Anwar Aziz""",
    "indian": """Patel Singh Sharma Kaur Kumar Gill Sandhu Sidhu Dhillon Mistry Shah Parmar Chauhan
        Joshi Mehta Gupta Bhatti Rai Verma Desai""",
    "east_asian": """Wang Li Zhang Liu Chen Yang Huang Zhao Wu Zhou Nguyen Tran Le Pham Kim Park
        Tanaka Sato Wong Chan Lam""",
    "african": """Okafor Adeyemi Mensah Osei Owusu Boateng Adebayo Okonkwo Eze Olaniyan Nwosu Ibrahim
        Mohamed Abdi Hassan Ahmed Omar Farah Moyo Ndlovu Banda Kamara Sesay Diallo""",
    "caribbean": """Campbell Brown Williams Thomas Clarke Grant Francis Reid Henry Gordon Morgan
        Robinson Lewis Johnson Forbes Bailey Stewart McKenzie Samuels Edwards""",
    "arab": """Hassan Hussein Ahmed Mohamed Ali Ibrahim Abdullah Mansour Haddad Khalil Nasser Saleh
        Aziz Rahman Youssef""",
    "mixed": """Smith Jones Brown Williams Taylor Clarke Campbell Thomas Walker Hall Green Lewis
        Johnson Robinson White""",
}

# Formal name -> known-as names. Used for ``known_as`` and as nickname noise in extracts.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Bill", "Will", "Billy"),
    "Robert": ("Bob", "Rob", "Bobby"),
    "Elizabeth": ("Liz", "Beth", "Lizzie"),
    "Mohammed": ("Mo",),
    "Muhammad": ("Mo",),
    "Mohamed": ("Mo",),
    "James": ("Jim", "Jimmy", "Jamie"),
    "John": ("Jack", "Johnny"),
    "Michael": ("Mike", "Mick", "Micky"),
    "David": ("Dave", "Davy"),
    "Richard": ("Rick", "Dick", "Richie"),
    "Andrew": ("Andy", "Drew"),
    "Anthony": ("Tony", "Ant"),
    "Christopher": ("Chris", "Kit"),
    "Daniel": ("Dan", "Danny"),
    "Thomas": ("Tom", "Tommy"),
    "Matthew": ("Matt",),
    "Stephen": ("Steve",),
    "Steven": ("Steve", "Stevie"),
    "Joseph": ("Joe", "Joey"),
    "Peter": ("Pete",),
    "Paul": ("Paulie",),
    "Samuel": ("Sam", "Sammy"),
    "Benjamin": ("Ben",),
    "Jonathan": ("Jon", "Jonny"),
    "Nathaniel": ("Nat", "Nate"),
    "Nathan": ("Nate",),
    "Philip": ("Phil",),
    "Kenneth": ("Ken", "Kenny"),
    "Gerald": ("Gerry",),
    "Terence": ("Terry",),
    "Timothy": ("Tim",),
    "Edward": ("Ed", "Eddie", "Ted"),
    "Alexander": ("Alex", "Sandy"),
    "Frederick": ("Fred", "Freddie"),
    "Henry": ("Harry", "Hank"),
    "Charles": ("Charlie", "Chas"),
    "Lawrence": ("Larry", "Laurie"),
    "Raymond": ("Ray",),
    "Ronald": ("Ron", "Ronnie"),
    "Leonard": ("Len", "Lenny"),
    "Gary": ("Gaz",),
    "Darren": ("Daz",),
    "Barry": ("Baz",),
    "Kevin": ("Kev",),
    "Martin": ("Marty",),
    "Patrick": ("Paddy", "Pat"),
    "Sean": ("Shaun",),
    "Declan": ("Dec",),
    "Callum": ("Cal",),
    "Jacob": ("Jake",),
    "Joshua": ("Josh",),
    "Lewis": ("Lew",),
    "Oliver": ("Ollie",),
    "Alfie": ("Alf",),
    "Harrison": ("Harry",),
    "Aleksandr": ("Sasha",),
    "Dmitri": ("Dima",),
    "Krzysztof": ("Krzys",),
    "Tomasz": ("Tomek",),
    "Abdul": ("Abs",),
    "Ibrahim": ("Ibby",),
    "Emmanuel": ("Manny",),
    "Oluwaseun": ("Seun",),
    "Margaret": ("Maggie", "Peggy", "Meg"),
    "Catherine": ("Cathy", "Kate", "Katie"),
    "Jennifer": ("Jen", "Jenny"),
    "Rebecca": ("Becky", "Becca"),
    "Samantha": ("Sam", "Sammy"),
    "Victoria": ("Vicky", "Tori"),
    "Susan": ("Sue", "Suzy"),
    "Deborah": ("Debbie", "Deb"),
    "Patricia": ("Pat", "Trish"),
    "Christine": ("Chris", "Tina"),
    "Jacqueline": ("Jackie",),
    "Natalie": ("Nat",),
    "Danielle": ("Dani",),
    "Nicola": ("Nicky", "Nic"),
    "Amanda": ("Mandy",),
    "Stacey": ("Stace",),
    "Kathleen": ("Kath", "Kathy"),
    "Bridget": ("Biddy",),
    "Joanne": ("Jo",),
    "Michelle": ("Shell",),
    "Charlotte": ("Charlie", "Lottie"),
    "Jessica": ("Jess",),
    "Aleksandra": ("Ola",),
    "Katarzyna": ("Kasia",),
    "Magdalena": ("Magda",),
    "Beverley": ("Bev",),
    "Chantelle": ("Shanty",),
    "Gemma": ("Gem",),
    "Louise": ("Lou",),
    "Caroline": ("Caz",),
    "Lauren": ("Loz",),
    "Esther": ("Essie",),
    "Oksana": ("Ksyusha",),
    "Svetlana": ("Sveta",),
}

_RANK_POWER = 0.7


def _parse(text: str) -> np.ndarray:
    return np.array(text.split(), dtype=object)


def _weights(n: int) -> np.ndarray:
    w = 1.0 / np.arange(1, n + 1) ** _RANK_POWER
    return w / w.sum()


GIVEN: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {
    sex: {pool: (_parse(t), _weights(len(t.split()))) for pool, t in lists.items()}
    for sex, lists in (("M", _M), ("F", _F))
}
SURNAMES: dict[str, tuple[np.ndarray, np.ndarray]] = {
    pool: (_parse(t), _weights(len(t.split()))) for pool, t in _SURNAMES.items()
}
ETHNICITY_CODES: np.ndarray = np.array(list(ETHNICITY), dtype=object)
ETHNICITY_WEIGHTS: np.ndarray = np.array([v[2] for v in ETHNICITY.values()], dtype=float)
ETHNICITY_WEIGHTS = ETHNICITY_WEIGHTS / ETHNICITY_WEIGHTS.sum()
ETHNICITY_LABELS: dict[str, str] = {k: v[0] for k, v in ETHNICITY.items()}
ETHNICITY_POOL: dict[str, str] = {k: v[1] for k, v in ETHNICITY.items()}

# Invented streets and towns of the fictional area (postcode area "TX": format-valid but not a real UK postcode area).
STREET_NAMES = _parse(
    """Albert Victoria Station Church Mill Park High Queen King Castle Bridge Market Chapel
    Green Orchard Meadow Willow Elm Oak Ash Beech Cedar Rowan Holly Maple Heather Thistle Tern
    Harbour Quay Ropewalk Foundry Tannery Weaver Spinner Cooper Wharf Lock Canal Ferry Beacon
    Lantern Anchor Saltmarsh Shore Dune Cliff Brook Fern Moor Fell Hollin Kestrel Heron Plover"""
)
STREET_TYPES = _parse("Street Road Lane Avenue Close Terrace Way Drive Court Place Row Walk Crescent")
TOWNS: tuple[tuple[str, str], ...] = (
    ("Tidemouth", "TX1"),
    ("Tidemouth", "TX2"),
    ("Tidemouth", "TX3"),
    ("Saltmere", "TX4"),
    ("Saltmere", "TX5"),
    ("Hollinbrook", "TX6"),
    ("Kestrel Bay", "TX7"),
    ("Fennick", "TX8"),
    ("Upper Weir", "TX9"),
)
TOWN_WEIGHTS: np.ndarray = np.array([0.22, 0.16, 0.12, 0.13, 0.09, 0.1, 0.07, 0.07, 0.04])
