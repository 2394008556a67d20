"""Word lists for :mod:`model.when` (Swedish and English time vocabulary).

Everything here is plain data. Keys are lower case and written *without* å/ä/ö
(å→a, ä→a, ö→o) so that notes typed without Swedish letters resolve the same way;
use :func:`fold` on a matched word before looking it up.
"""

from __future__ import annotations

_FOLD = str.maketrans("åäöéÅÄÖÉ", "aaoeaaoe")


def fold(word: str) -> str:
    """Lower-case ``word`` and replace å/ä/ö/é by a/a/o/e."""
    return word.lower().translate(_FOLD)


def sv(pattern: str) -> str:
    """Make a regex source tolerant to missing Swedish letters (å→[åa], ä→[äa], ö→[öo])."""
    return pattern.replace("å", "[åa]").replace("ä", "[äa]").replace("ö", "[öo]")


# Weekdays: regex alternation (longest first) and a lookup by folded 3-letter prefix.
WEEKDAY_FULL = (
    r"måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag"
    r"|monday|tuesday|wednesday|thursday|friday|saturday|sunday"
)
WEEKDAY_ABBR = (
    r"torsd|onsd|tisd|månd|thurs|thur|tues|weds|tors|mån|tis|ons|tor|fre|lör|sön|mon|tue|wed|thu|fri|sat|sun"
)
WEEKDAY_INDEX = {
    "man": 0,
    "mon": 0,
    "tis": 1,
    "tue": 1,
    "ons": 2,
    "wed": 2,
    "tor": 3,
    "thu": 3,
    "fre": 4,
    "fri": 4,
    "lor": 5,
    "sat": 5,
    "son": 6,
    "sun": 6,
}
# Short forms that are also ordinary words or names ("i viss mån", "Tor", "fri frakt",
# "we sat", "sun", "mon"): only read as weekdays with a supporting context.
WEAK_WEEKDAYS = frozenset({"man", "tor", "son", "fri", "sat", "sun", "mon", "wed", "ons"})

MONTHS = (
    r"januari|january|februari|february|mars|march|april|maj|may|juni|june|juli|july"
    r"|augusti|august|september|oktober|october|november|december"
    r"|sept|jan|feb|mar|apr|jun|jul|aug|sep|okt|oct|nov|dec"
)
MONTH_INDEX = {
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "maj": 5,
    "may": 5,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "okt": 10,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
# Month words that are also common words or names: need a day number, a year or a
# preposition ("i maj", "in May") to count.
WEAK_MONTHS = frozenset({"maj", "may", "mar", "march", "jun", "aug", "jan", "sep", "dec", "nov"})

NUMBER_WORDS = {
    "en": 1,
    "ett": 1,
    "one": 1,
    "a": 1,
    "an": 1,
    "tva": 2,
    "two": 2,
    "tre": 3,
    "three": 3,
    "fyra": 4,
    "four": 4,
    "fem": 5,
    "five": 5,
    "sex": 6,
    "six": 6,
    "sju": 7,
    "seven": 7,
    "atta": 8,
    "eight": 8,
    "nio": 9,
    "nine": 9,
    "tio": 10,
    "ten": 10,
    "elva": 11,
    "eleven": 11,
    "tolv": 12,
    "twelve": 12,
    "tretton": 13,
    "thirteen": 13,
    "fjorton": 14,
    "fourteen": 14,
    "femton": 15,
    "fifteen": 15,
    "sexton": 16,
    "sixteen": 16,
    "sjutton": 17,
    "seventeen": 17,
    "arton": 18,
    "eighteen": 18,
    "nitton": 19,
    "nineteen": 19,
    "tjugo": 20,
    "twenty": 20,
    "trettio": 30,
    "thirty": 30,
}
NUMBER_WORDS_RE = (
    r"tretton|fjorton|femton|sexton|sjutton|arton|nitton|tjugo|trettio|elva|tolv|fyra|åtta"
    r"|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty"
    r"|eleven|twelve|three|seven|eight|four|five|nine|one|two|six|ten"
    r"|ett|två|tre|fem|sex|sju|nio|tio|en|an|a"
)
# Hour words usable as a clock time ("halv tre", "at three pm").
HOUR_WORDS_RE = (
    r"ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv"
    r"|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
)

ORDINAL_WORDS = {
    "forsta": 1,
    "forste": 1,
    "first": 1,
    "andra": 2,
    "andre": 2,
    "second": 2,
    "tredje": 3,
    "third": 3,
    "fjarde": 4,
    "fourth": 4,
    "femte": 5,
    "fifth": 5,
    "sjatte": 6,
    "sixth": 6,
    "sjunde": 7,
    "seventh": 7,
    "attonde": 8,
    "eighth": 8,
    "nionde": 9,
    "ninth": 9,
    "tionde": 10,
    "tenth": 10,
    "elfte": 11,
    "eleventh": 11,
    "tolfte": 12,
    "twelfth": 12,
    "trettonde": 13,
    "thirteenth": 13,
    "fjortonde": 14,
    "fourteenth": 14,
    "femtonde": 15,
    "fifteenth": 15,
    "sextonde": 16,
    "sixteenth": 16,
    "sjuttonde": 17,
    "seventeenth": 17,
    "artonde": 18,
    "eighteenth": 18,
    "nittonde": 19,
    "nineteenth": 19,
    "tjugonde": 20,
    "twentieth": 20,
    "trettionde": 30,
    "thirtieth": 30,
    # Swedish writes 21st-31st as one word ("den tjugonionde september")
    "tjugoforsta": 21,
    "tjugoforste": 21,
    "tjugoandra": 22,
    "tjugoandre": 22,
    "tjugotredje": 23,
    "tjugofjarde": 24,
    "tjugofemte": 25,
    "tjugosjatte": 26,
    "tjugosjunde": 27,
    "tjugoattonde": 28,
    "tjugonionde": 29,
    "trettioforsta": 31,
    "trettioforste": 31,
}
ORDINAL_WORDS_RE = (
    r"tjugoförsta|tjugoförste|tjugoandra|tjugoandre|tjugotredje|tjugofjärde|tjugofemte|tjugosjätte|tjugosjunde"
    r"|tjugoåttonde|tjugonionde|trettioförsta|trettioförste|trettonde|fjortonde|femtonde|sextonde|sjuttonde|artonde|nittonde|tjugonde|trettionde"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth"
    r"|twentieth|thirtieth|eleventh|twelfth|seventh|second|fourth|eighth|third|first"
    r"|fifth|sixth|ninth|tenth|första|förste|andra|andre|tredje|fjärde|femte|sjätte"
    r"|sjunde|åttonde|nionde|tionde|elfte|tolfte"
)

# Fixed-date holidays: folded phrase -> (month, day). Movable or vague ones are fuzzy.
FIXED_HOLIDAYS = {
    "julafton": (12, 24),
    "juldagen": (12, 25),
    "juldag": (12, 25),
    "annandag jul": (12, 26),
    "annandagen": (12, 26),
    "nyarsafton": (12, 31),
    "nyarsdagen": (1, 1),
    "nyarsdag": (1, 1),
    "trettondagen": (1, 6),
    "trettondagsafton": (1, 5),
    "valborg": (4, 30),
    "valborgsmassoafton": (4, 30),
    "nationaldagen": (6, 6),
    "christmas eve": (12, 24),
    "christmas day": (12, 25),
    "boxing day": (12, 26),
    "new year's eve": (12, 31),
    "new years eve": (12, 31),
    "new year's day": (1, 1),
    "new years day": (1, 1),
    "halloween": (10, 31),
}
FIXED_HOLIDAYS_RE = (
    r"valborgsmässoafton|trettondagsafton|annandag\s+jul|christmas\s+eve|christmas\s+day"
    r"|boxing\s+day|new\s+year'?s\s+eve|new\s+year'?s\s+day|nyårsafton|nyårsdagen|nyårsdag"
    r"|trettondagen|nationaldagen|annandagen|julafton|juldagen|juldag|halloween|valborg"
)

# Seasons (Swedish definite / indefinite forms, English).
SEASON_SV_DEF = r"hösten|våren|sommaren|sommarn|vintern"
SEASON_SV = r"höst|sommar|vinter"  # "vår" needs a check: it is also the pronoun "our"
SEASON_EN = r"spring|springtime|summer|summertime|autumn|fall|winter"
# Events that a note defers to ("efter skörden", "after the trade fair"): fuzzy.
EVENT_SV = (
    r"skörden|semestern|semestrarna|sommarsemestern|industrisemestern|jul|julen|nyår|nyåret|påsk|påsken"
    r"|midsommar|midsommaren|helgerna|storhelgerna|julhelgen|påskhelgen|nyårshelgen|trettonhelgen"
    r"|\w*arbetet|budgetprocessen|budgetrundan|\w*skiftet|\w*inventeringen|\w*mässan|\w*mässorna|\w*lovet"
    r"|bokslutet|\w*säsongen|högsäsong|lågsäsong|inventering|bokslut|sommaren|sommarn|hösten|våren|vintern"
    r"|veckoslutet|sportlov|vintersemestern|jullovet|ledigheten|föräldraledigheten|tjänstledigheten"
    r"|mellandagarna|mellandagar|kalvningen|lamningen|sådden|sadden|vårbruket|varbruket"
    r"|\w*stoppet"  # a plant's shutdown ("efter stoppet", "innan höststoppet")
)
EVENT_EN = (
    r"(?:the\s+)?(?:(?:trade|industry|spring|autumn|fall)\s+)?(?:fair|show|expo|exhibition|conference|convention)"
    r"|(?:the\s+)?harvest|(?:the\s+)?(?:calving|lambing|silage|planting|sowing)(?:\s+season)?|(?:the\s+)?holidays|(?:the\s+)?holiday\s+season|(?:the\s+)?(?:summer|christmas|winter|spring|easter)"
    r"\s+(?:break|holidays?|vacation|shutdown)|(?:the\s+)?break|(?:the\s+)?(?:busy|peak|high|low)\s+season|(?:the\s+)?season"
    r"|(?:the\s+)?(?:annual\s+|planned\s+)?(?:shutdown|outage)"
    r"|(?:the\s+)?(?:annual\s+)?(?:inventory|stocktake|stocktaking|budget\s+(?:round|cycle|process|season|work))"
    r"|(?:the\s+)?(?:new\s+year|easter|christmas|thanksgiving|midsummer|vacation|holidays)"
    r"|(?:the\s+)?(?:summer|winter|spring|autumn|fall)|(?:their|our|her|his|my)\s+(?:vacation|holiday|holidays|leave)"
    # named holidays and periods with no fixed date in the date layer
    r"|(?:labou?r|memorial|independence|presidents'?)\s+day(?:\s+weekend)?"
    r"|(?:the\s+)?(?:july\s+4th|4th\s+of\s+july|fourth\s+of\s+july)(?:\s+(?:week(?:end)?|holiday))?"
    r"|(?:the\s+)?(?:bank|public)\s+(?:holidays?|hols?\b)(?:\s+weekend)?|eofy|(?:the\s+)?end\s+of\s+(?:the\s+)?financial\s+year"
    r"|(?:the\s+)?half[- ]?term(?:\s+(?:break|holidays?))?|(?:the|their|your|our|her|his)\s+(?:busy|peak)\s+(?:period|time|season)"
    r"|the\s+(?:first|1st)\s+of\s+the\s+year"  # (US: the turn of the year)
)
_SV_PREP = (
    r"efter|innan|före|till|tills|inför|under|runt|kring|omkring|framåt|över|mot|fram\s+(?:på|mot|emot|till)|in\s+på"
    r"|senare\s+i|tidigt\s+i|sent\s+i|(?:i\s+)?(?:början|slutet|mitten|medlet)\s+(?:av|på)"
)
_EN_PREP = (
    r"after|before|until|till|by|around|during|over|through|throughout|towards?|into|following|in|ahead\s+of"
    r"|(?:in\s+)?(?:early|late|mid)|(?:early|late|later)\s+in|(?:at\s+)?the\s+(?:start|beginning|end)\s+of"
)

# Vague expressions: value None. Five groups, each run only when its own words occur.
FUZZY_SV_SEASON_RE = (
    rf"(?:{_SV_PREP}|i)\s+(?:{SEASON_SV_DEF})(?:\s+(?:19|20)\d\d)?"
    rf"|(?:i|nästa|kommande|till\s+nästa)\s+(?:{SEASON_SV})\b|(?:nästa|kommande)\s+vår"
    rf"|(?:{SEASON_SV_DEF})\s+(?:19|20)\d\d"
    r"|i\s+vår|i\s+våras|i\s+höstas|i\s+somras|i\s+vintras"
)
FUZZY_SV_EVENT_RE = (
    rf"(?:efter|innan|före|till|tills|inför|under|runt|kring|över|fram\s+till|vid)\s+(?:{EVENT_SV})"
    r"|(?:efter|under)\s+semestrarna|månadsskiftet|årsskiftet|midsommar|sportlovet|sportlov"
    r"|semestern|påsken|påsk|nyåret|nyår|julen|jul|(?:i\s+)?mellandagarna"
)
FUZZY_SV_WORDS_RE = (
    r"längre\s+fram(?:över)?(?:\s+i\s+tiden)?|framöver|om\s+ett\s+tag|om\s+en\s+stund|så\s+småningom|småningom"
    r"|vad\s+det\s+lider|i\s+(?:ett|en)\s+senare\s+(?:skede|läge|fas)|(?:i|inom)\s+(?:en\s+)?(?:snar|nära)\s+framtid"
    r"|i\s+framtiden|på\s+sikt|i\s+närtid|när\s+det\s+passar(?:\s+(?:er|dig|dem|dom|henne|honom|kunden|bättre|bäst))?"
    r"|när\s+(?:ni|de|dom|hon|han|kunden)\s+har\s+tid|vid\s+tillfälle"
    r"|(?:om|inom|i|under)\s+(?:ett\s+par|några|nåra|par|någon|nån)\s+(?:dagar|veckor|månader|år|vecka|månad)"
    r"|(?:ett\s+par|några|par)\s+(?:dagar|veckor|månader)(?:\s+(?:fram|framåt|framöver))?"
    r"|(?:om|inom|i)\s+(?:en\s+)?(?:drygt?|knappt?)\s+(?:(?:en|ett|två|tre|fyra|\d+)\s+)?(?:dagar|dag|veckor|vecka|månader|månad)"
    r"|tidigt\s+nästa\s+år|inom\s+kort|snarast|snart|senare\s+i\s+år|senare\s+under\s+året"
    r"|någon\s?gång|nån\s?gång|senare"
)
FUZZY_EN_EVENT_SEASON_RE = (
    rf"(?:after|before|until|till|by|around|during|over|following)\s+(?:{EVENT_EN})"
    rf"|(?:{_EN_PREP}|this|next|coming|the\s+coming|this\s+coming|sometime\s+in|some\s+time\s+in)\s+(?:the\s+)?"
    rf"(?:{SEASON_EN})\b(?:\s+(?:19|20)\d\d)?"
    r"|(?:spring|summer|autumn|fall|winter)\s+(?:19|20)\d\d"
    r"|christmas|xmas|new\s+year|easter|midsummer|thanksgiving|black\s+(?:friday|week)|cyber\s+monday"
)
FUZZY_EN_WORDS_RE = (
    r"later\s+on|later\s+this\s+year|later\s+in\s+the\s+year|(?:early|late)\s+(?:next|this)\s+year"
    r"|(?:early|late)\s+in\s+the\s+(?:new\s+)?year|(?:in|into)\s+the\s+new\s+year"
    r"|down\s+the\s+(?:road|line|track)|in\s+due\s+course|at\s+some\s+(?:point|stage)"
    r"|at\s+a\s+later\s+(?:date|stage|point|time)|(?:in|within)\s+the\s+(?:near\s+)?future"
    r"|when(?:ever)?\s+it\s+suits(?:\s+(?:you|them|her|him|us|the\s+customer))?|when\s+convenient"
    r"|at\s+(?:your|their|her|his)\s+(?:earliest\s+)?convenience|when\s+(?:they|she|he)\s+(?:have|has)\s+time"
    r"|(?:in|within)\s+(?:a\s+couple\s+of|a\s+couple|a\s+few|a\s+pair\s+of|few|several|some)"
    r"\s+(?:days|weeks|months|years)"
    r"|(?:a\s+couple\s+of|a\s+couple|a\s+few)\s+(?:days|weeks|months)(?:\s+(?:from\s+now|out))?"
    r"|(?:in|within|over|during)\s+the\s+(?:next|coming)\s+(?:couple\s+of\s+|couple\s+|few\s+)?(?:days|weeks|months)"
    r"|as\s+soon\s+as\s+possible|asap|soon|shortly"
    r"|sometime|later"
)
FUZZY_RE = "|".join(
    (FUZZY_SV_SEASON_RE, FUZZY_SV_EVENT_RE, FUZZY_SV_WORDS_RE, FUZZY_EN_EVENT_SEASON_RE, FUZZY_EN_WORDS_RE)
)
# Compound event nouns ("budgetarbetet", "höstmässan", "kvartalsskiftet") end in one of these.
EVENT_SV_SUFFIX_RE = r"(?:arbetet|skiftet|inventeringen|mässan|mässorna|lovet|säsongen|stoppet)\b"
# Fillers: vague alone, but only a lead-in when another time follows ("sometime next week",
# "nån gång i höst"). Folded, single-spaced.
FILLERS = frozenset(
    {"nagon gang", "nagongang", "nan gang", "nangang", "sometime", "at some point", "later", "senare"}
)
# Past seasons ("i höstas" = last autumn).
PAST_SEASONS = frozenset({"i varas", "i hostas", "i somras", "i vintras"})
