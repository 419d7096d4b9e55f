"""Values the synthetic systems use: the default status vocabulary, stages, names, channels."""

from __future__ import annotations

LEAD_STATUSES = ("Open - Not Contacted", "New")
MQL_STATUSES = ("Marketing Qualified", "MQL")
SAL_STATUSES = ("Accepted", "Working - Contacted")
SQL_STATUSES = ("Sales Qualified", "Qualified")
CONVERTED_STATUS = "Closed - Converted"
RECYCLED_STATUSES = ("Recycled", "Nurture")
DISQUALIFIED_STATUSES = ("Disqualified", "Rejected", "Unqualified", "Closed - Not Converted")

OPEN_OPPORTUNITY_STAGES = (
    "Prospecting",
    "Qualification",
    "Needs Analysis",
    "Value Proposition",
    "Id. Decision Makers",
    "Perception Analysis",
    "Proposal/Price Quote",
    "Negotiation/Review",
)
STAGE_PROBABILITY = (10, 20, 20, 50, 60, 70, 75, 90)
WON, LOST = "Closed Won", "Closed Lost"

INBOUND_SOURCES = ("Web", "Webinar", "Content Syndication", "Paid Search", "Trade Show", "Email")
OUTBOUND_SOURCES = ("Outbound", "Partner Referral")

TIME_ZONES = (
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Europe/London",
    "Europe/Berlin",
    "Asia/Kolkata",
)

FIRST_NAMES = [
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Priya",
    "Arjun",
    "Sofia",
    "Lukas",
    "Emma",
    "Noah",
    "Olivia",
    "Liam",
    "Aisha",
    "Mateo",
    "Chloe",
    "Hiro",
    "Yuki",
    "Lars",
    "Ingrid",
    "Fatima",
    "Omar",
    "Grace",
    "Ethan",
    "Mia",
    "Lucas",
    "Ava",
    "Leon",
    "Zara",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sharma",
    "Patel",
    "Mueller",
    "Schmidt",
    "Rossi",
    "Silva",
    "Kowalski",
    "Nakamura",
    "Tanaka",
    "Johansson",
    "Okafor",
    "Cohen",
]
COMPANY_WORDS = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Wonka",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Aperture",
    "Monarch",
    "Oscorp",
    "Nakatomi",
    "Gringotts",
    "Dunder",
    "Pied",
    "Massive",
    "Blue",
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Litware",
    "Tailspin",
    "Woodgrove",
    "Adatum",
    "Proseware",
    "Lucerne",
    "Alpine",
    "Coho",
    "Fourth",
    "Margie",
]
COMPANY_SUFFIXES = ("Inc", "LLC", "Ltd", "GmbH", "Corp", "Group", "Systems", "Labs")
COUNTRIES = ("United States", "United Kingdom", "Germany", "India", "Canada", "France", "Australia")
# Billing state or province codes per country, most populous first; none for the UK and France,
# whose addresses carry no state.
STATE_CODES = {
    "United States": ("CA", "NY", "TX", "MA", "WA", "IL", "FL", "GA", "CO", "NC", "NJ", "VA"),
    "United Kingdom": (),
    "Germany": ("BY", "BE", "NW", "HE", "BW", "HH"),
    "India": ("MH", "KA", "DL", "TN", "TG", "HR"),
    "Canada": ("ON", "QC", "BC", "AB"),
    "France": (),
    "Australia": ("NSW", "VIC", "QLD", "WA"),
}
COUNTRY_ALIASES = ("USA", "UK", "Deutschland", "IN", "CA", "FR", "AU")
INDUSTRIES = ("Software", "Financial Services", "Healthcare", "Manufacturing", "Retail", "Media")
TITLES = (
    "VP Marketing",
    "Director of Sales",
    "CTO",
    "Head of Operations",
    "Marketing Manager",
    "Analyst",
    "CFO",
    "Engineer",
)

PROGRAM_CHANNELS = ("Webinar", "Content", "Paid Search", "Trade Show", "Email Nurture", "Social")
PROGRAM_TYPES = ("Event", "Default", "Default", "Event", "Engagement", "Default")
WEB_PAGES = ("/pricing", "/product", "/blog/revenue-ops", "/case-studies", "/demo", "/docs", "/")
FORMS = ("Contact Us", "Demo Request", "Whitepaper Download", "Webinar Registration")
EMAILS = ("Newsletter", "Product Update", "Webinar Invite", "Case Study", "Nurture Step")
TASK_TYPES = ("Call", "Email")
# Three subjects per task type, in TASK_TYPES order.
TASK_SUBJECTS = ("Call", "Follow-up call", "Left voicemail", "Email", "Intro email", "Follow-up")
PROGRESSION_STATUSES = {
    # channel: (status before, status on success)
    "Webinar": ("Registered", "Attended"),
    "Content": ("Member", "Engaged"),
    "Paid Search": ("Member", "Responded"),
    "Trade Show": ("Registered", "Visited Booth"),
    "Email Nurture": ("Member", "Engaged"),
    "Social": ("Member", "Responded"),
}
