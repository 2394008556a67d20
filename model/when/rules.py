"""The rule table: every (pattern, rule) pair in the order they are tried, with the word
gates that let a rule be skipped when its words are absent."""

from __future__ import annotations

import re

from model.when.patterns import (
    _RX_AGO,
    _RX_DAY_MON,
    _RX_DAY_OF_MONTH_REL,
    _RX_DAY_ONLY,
    _RX_DAY_RANGE,
    _RX_DOT_DM,
    _RX_EDGE,
    _RX_EO,
    _RX_EVENT_SUFFIX,
    _RX_FROM_NOW,
    _RX_FUZZY_EN_EVENT,
    _RX_FUZZY_EN_WORDS,
    _RX_FUZZY_SV_EVENT,
    _RX_FUZZY_SV_SEASON,
    _RX_FUZZY_SV_WORDS,
    _RX_HOLIDAY,
    _RX_ISO,
    _RX_LABEL_OFFSET,
    _RX_LUNCH_TIME,
    _RX_MON_DAY,
    _RX_MON_YEAR_NUM,
    _RX_MONTH,
    _RX_MONTH_REL,
    _RX_N_WEEKDAYS,
    _RX_NEXT_N,
    _RX_NOON,
    _RX_NTH_WD,
    _RX_NUM_DM,
    _RX_NUM_Y,
    _RX_OFFSET,
    _RX_PART,
    _RX_QUARTER,
    _RX_REL_DAY,
    _RX_TIME_AFTER_BARE,
    _RX_TIME_AMPM,
    _RX_TIME_AT,
    _RX_TIME_BEFORE_PART,
    _RX_TIME_EN_WORDS,
    _RX_TIME_H,
    _RX_TIME_HALF_EN,
    _RX_TIME_HM,
    _RX_TIME_KL,
    _RX_TIME_RANGE,
    _RX_TIME_RANGE_BARE,
    _RX_TIME_SV_WORDS,
    _RX_TIME_TIDEN,
    _RX_TIME_WORD,
    _RX_TIME_WORD_AT,
    _RX_TIME_WORD_BARE,
    _RX_WD,
    _RX_WD_PAST,
    _RX_WD_SHORT,
    _RX_WEEK_AFTER_DAY,
    _RX_WEEK_REL,
    _RX_WEEKEND,
    _RX_WEEKNUM,
    _RX_WEEKOF,
    _RX_WEEKWORD,
    _RX_YEAR,
    _RX_YEAR_NUM,
)
from model.when.rules_days import (
    _r_day_mon,
    _r_day_of_month_rel,
    _r_day_only,
    _r_day_range,
    _r_dot_dm,
    _r_holiday,
    _r_iso,
    _r_lunch_time,
    _r_mon_day,
    _r_mon_year_num,
    _r_n_weekdays,
    _r_nth_wd,
    _r_num_dm,
    _r_num_y,
    _r_part,
    _r_rel_day,
    _r_time_at,
    _r_time_before_part,
    _r_time_h,
    _r_time_hm,
    _r_time_range,
    _r_wd,
)
from model.when.rules_en import (
    _r_fuzzy_en_event,
    _r_noon,
    _r_time_ampm,
    _r_time_en_words,
    _r_time_half_en,
    _r_time_word,
    _r_time_word_bare,
)
from model.when.rules_periods import (
    _r_ago,
    _r_edge,
    _r_eo,
    _r_fuzzy,
    _r_label_offset,
    _r_month,
    _r_month_rel,
    _r_next_n,
    _r_offset,
    _r_quarter,
    _r_week_after_day,
    _r_week_rel,
    _r_weekend,
    _r_weeknum,
    _r_weekof,
    _r_weekword,
    _r_year,
    _r_year_num,
)
from model.when.rules_sv import (
    _r_fuzzy_sv_event,
    _r_fuzzy_sv_season,
    _r_fuzzy_sv_words,
    _r_time_kl,
    _r_time_sv_words,
    _r_time_tiden,
    _r_wd_past,
    _r_wd_short,
)

_RULES_LIST: tuple[tuple[re.Pattern[str], object], ...] = (
    (_RX_TIME_KL, _r_time_kl),
    (_RX_TIME_HM, _r_time_hm),
    (_RX_TIME_AMPM, _r_time_ampm),
    (_RX_TIME_H, _r_time_h),
    (_RX_TIME_AT, _r_time_at),
    (_RX_TIME_AFTER_BARE, _r_time_at),
    (_RX_TIME_TIDEN, _r_time_tiden),
    (_RX_TIME_SV_WORDS, _r_time_sv_words),
    (_RX_TIME_EN_WORDS, _r_time_en_words),
    (_RX_TIME_HALF_EN, _r_time_half_en),
    (_RX_TIME_WORD, _r_time_word),
    (_RX_TIME_WORD_AT, _r_time_word),
    (_RX_TIME_WORD_BARE, _r_time_word_bare),
    (_RX_LUNCH_TIME, _r_lunch_time),
    (_RX_NOON, _r_noon),
    (_RX_TIME_RANGE_BARE, _r_time_at),
    (_RX_TIME_RANGE, _r_time_range),
    (_RX_TIME_BEFORE_PART, _r_time_before_part),
    (_RX_ISO, _r_iso),
    (_RX_NUM_Y, _r_num_y),
    (_RX_NUM_DM, _r_num_dm),
    (_RX_DOT_DM, _r_dot_dm),
    (_RX_MON_YEAR_NUM, _r_mon_year_num),
    (_RX_DAY_MON, _r_day_mon),
    (_RX_MON_DAY, _r_mon_day),
    (_RX_DAY_ONLY, _r_day_only),
    (_RX_DAY_OF_MONTH_REL, _r_day_of_month_rel),
    (_RX_NTH_WD, _r_nth_wd),
    (_RX_HOLIDAY, _r_holiday),
    (_RX_DAY_RANGE, _r_day_range),
    (_RX_N_WEEKDAYS, _r_n_weekdays),
    (_RX_REL_DAY, _r_rel_day),
    (_RX_PART, _r_part),
    (_RX_WD, _r_wd),
    (_RX_WD_PAST, _r_wd_past),
    (_RX_WD_SHORT, _r_wd_short),
    (_RX_WEEK_REL, _r_week_rel),
    (_RX_WEEKEND, _r_weekend),
    (_RX_WEEK_AFTER_DAY, _r_week_after_day),
    (_RX_WEEKNUM, _r_weeknum),
    (_RX_WEEKWORD, _r_weekword),
    (_RX_WEEKOF, _r_weekof),
    (_RX_MONTH_REL, _r_month_rel),
    (_RX_MONTH, _r_month),
    (_RX_QUARTER, _r_quarter),
    (_RX_YEAR, _r_year),
    (_RX_YEAR_NUM, _r_year_num),
    (_RX_EDGE, _r_edge),
    (_RX_EO, _r_eo),
    (_RX_FUZZY_SV_SEASON, _r_fuzzy_sv_season),
    (_RX_FUZZY_SV_EVENT, _r_fuzzy_sv_event),
    (_RX_FUZZY_SV_WORDS, _r_fuzzy_sv_words),
    (_RX_FUZZY_EN_EVENT, _r_fuzzy_en_event),
    (_RX_FUZZY_EN_WORDS, _r_fuzzy),
)


_OFFSET_RULES_LIST = (
    (_RX_OFFSET, _r_offset),
    (_RX_LABEL_OFFSET, _r_label_offset),
    (_RX_FROM_NOW, _r_offset),
    (_RX_AGO, _r_ago),
    (_RX_NEXT_N, _r_next_n),
)


def _toks(words: str) -> frozenset[str]:
    return frozenset(words.split())


_MONTH_TOKENS = _toks(
    "januari january jan februari february feb mars march mar april apr maj may juni june jun juli july jul "
    "augusti august aug september sept sep oktober october okt oct november nov december dec"
)


_WD_TOKENS = _toks(
    "måndag tisdag onsdag torsdag fredag lördag söndag mandag lordag sondag måndagen tisdagen onsdagen torsdagen "
    "fredagen lördagen söndagen mandagen lordagen sondagen monday tuesday wednesday thursday friday saturday sunday "
    "mån man tis ons tors tor fre lör lor sön son mon tue tues wed weds thu thur thurs fri sat sun "
    "månd mand tisd onsd torsd"
)


_PART_TOKENS = _toks(
    "morgon morgonen morning mornings förmiddag förmiddagen formiddag formiddagen fm f m em e eftermiddag "
    "eftermiddagen afternoon afternoonish evening kväll kvällen kvall kvallen natt natten night tonight tonite "
    "lunch lunchtid lunchtime lunchtiden eod cob eop end close slut bitti today tomorrow idag imorgon dag noon"
)


_ORD_TOKENS = _toks(
    "sista last första forsta förste andra tredje fjärde fjarde femte first second third fourth fifth st nd rd th e a"
)


# Token gates: a rule runs only if the note has one of its words ("#" = any digit). They
# only skip work; the patterns decide. A tuple of sets means all of them must hit.
_GATES: dict[object, object] = {
    _r_time_kl: _toks("#"),
    _r_time_hm: _toks("#"),
    _r_time_range: _toks("#"),
    _r_time_ampm: _toks("#"),
    _r_time_h: _toks("#"),
    _r_time_at: _toks("#"),
    _r_time_tiden: _toks("tiden ish"),
    _r_time_sv_words: _toks("halv kvart över over fem tio tjugo tjugofem"),
    _r_time_en_words: (_toks("past after to till from of"), _toks("# five ten twenty quarter half")),
    _r_time_half_en: _toks("half"),
    _r_time_word: (
        _toks(
            "one two three four five six seven eight nine ten eleven twelve ett två tva tre fyra fem sex sju åtta atta nio tio elva tolv"
        ),
        _toks("am pm a p m oclock clock at kl klockan"),
    ),
    _r_noon: _toks("noon midday mid midnight"),
    _r_time_word_bare: (
        _toks("one two three four five six seven eight nine ten eleven twelve"),
        _toks("oh o ou zero fifteen twenty thirty forty fifty"),
    ),
    _r_lunch_time: _toks("lunch lunchen"),
    _r_time_before_part: _PART_TOKENS,
    _r_iso: _toks("#"),
    _r_num_y: _toks("#"),
    _r_num_dm: _toks("#"),
    _r_mon_year_num: _toks("#"),
    _r_day_mon: _MONTH_TOKENS,
    _r_mon_day: _MONTH_TOKENS,
    _r_day_only: _toks("# den the on"),
    _r_day_of_month_rel: _toks("month"),
    _r_nth_wd: (_MONTH_TOKENS | _toks("month månad månaden manad manaden"), _ORD_TOKENS),
    _r_holiday: _toks(
        "julafton juldagen juldag annandag annandagen nyårsafton nyarsafton nyårsdagen nyarsdagen nyårsdag nyarsdag "
        "trettondagen trettondagsafton valborg valborgsmässoafton valborgsmassoafton nationaldagen christmas boxing "
        "new halloween"
    ),
    _r_day_range: _MONTH_TOKENS,
    _r_n_weekdays: _toks("now hence ago back framåt framat sedan"),
    _r_rel_day: _toks(
        "idag dag today tod imorgon morgon imorrn morrn imorgn imorn imrn imrgn morn tomorrow tomorrows tmrw tmr iövermorgon övermorgon "
        "iovermorgon overmorgon iöverimorgon överimorgon ioverimorgon overimorgon after igår går igar gar yesterday "
        "iförrgår förrgår iforrgar forrgar before ikväll kväll ikvall kvall tonight tonite ieftermiddag eftermiddag "
        "iförmiddag förmiddag iformiddag formiddag imorse morse inatt natt morning afternoon evening night "
        "eftermiddagen förmiddagen formiddagen dagen later senare lunch lunchen em fm"
    ),
    _r_part: _PART_TOKENS,
    _r_wd: _WD_TOKENS,
    _r_wd_short: _toks("to fr"),
    _r_wd_past: _toks("måndags tisdags onsdags torsdags fredags lördags söndags mandags lordags sondags"),
    _r_week_rel: _toks("vecka veckan week wk v nv"),
    _r_weekend: _toks("helg helgen weekend week end veckoslut veckoslutet"),
    _r_weeknum: (_toks("#"), _toks("v w wk kw vecka veckan week vnr nr")),
    _r_weekof: _toks("w c wc week wk veckan"),
    _r_weekword: _toks("vecka veckan week"),
    _r_month_rel: _toks("månad månaden manad manaden month mån man"),
    _r_month: _MONTH_TOKENS,
    _r_quarter: _toks("q k kvartal kvartalet quarter qtr kv"),
    _r_year: _toks("år året ar aret year yr fjol fjor"),
    _r_year_num: _toks("#"),
    _r_edge: _toks(
        "slutet början borjan mitten medlet start end beginning middle mid early late tidigt tidig sent"
    ),
    _r_eo: _toks(
        "eow eom eoy eoq bom boy månadsslut månadsslutet manadsslut manadsslutet årsslut årsslutet arsslut arsslutet veckoslut"
    ),
    _r_ago: _toks("sedan sen ago back"),
    _r_offset: _toks("om in inom within efter after"),
    _r_fuzzy_sv_season: _toks(
        "hösten hosten våren varen sommaren sommarn vintern höst host sommar vinter vår var våras varas höstas "
        "hostas somras vintras"
    ),
    _r_fuzzy_sv_event: [
        _toks(
            "skörden skorden semestern semestrarna sommarsemestern industrisemestern jul julen nyår nyar nyåret "
            "nyaret påsk pask påsken pasken midsommar midsommaren helgerna storhelgerna julhelgen påskhelgen "
            "paskhelgen nyårshelgen nyarshelgen trettonhelgen budgetprocessen budgetrundan bokslutet högsäsong "
            "hogsasong lågsäsong lagsasong inventering bokslut sommaren sommarn hösten hosten våren varen vintern "
            "veckoslutet sportlov vintersemestern ledigheten föräldraledigheten foraldraledigheten "
            "tjänstledigheten tjanstledigheten mellandagarna mellandagar kalvningen lamningen sådden sadden "
            "vårbruket varbruket"
        ),
        _RX_EVENT_SUFFIX,
    ],
    _r_fuzzy_sv_words: _toks(
        "längre langre framöver framover tag stund småningom smaningom lider skede läge lage fas framtid framtiden "
        "sikt närtid nartid passar tid tillfälle tillfalle par några nagra nåra nara någon nagon nån nan tidigt "
        "kort snarast snart senare gång gang nångång nangang någongång nagongang dryg drygt knapp knappt"
    ),
    _r_fuzzy_en_event: _toks(
        "fair show expo exhibition conference convention harvest calving lambing silage planting sowing holidays holiday break season inventory "
        "stocktake stocktaking budget new easter christmas xmas thanksgiving midsummer vacation leave summer "
        "winter spring autumn fall springtime summertime black cyber labor labour memorial independence "
        "presidents july fourth bank public eofy financial half halfterm peak period busy first year shutdown outage"
    ),
    _r_fuzzy: _toks(
        "later road line track course point stage date future suits convenient convenience time couple few pair "
        "several some sometime year possible asap soon shortly"
    ),
    _r_next_n: _toks("nästa nasta next kommande coming närmaste narmaste senaste last past upcoming"),
    _r_label_offset: (
        _toks(
            "follow followup up f u call callback back next uppföljning uppfoljning återkoppling aterkoppling "
            "återkoppla aterkoppla reminder påminnelse paminnelse"
        ),
        _toks("weeks week wks wk veckor vecka days day dagar months month mths månader manader"),
    ),
}


_GATES_FROM_NOW = _toks("now hence nu idag dag today")


# Where a rule's matches can begin: every match starts with one of these strings ("#": a
# digit), so its scan starts at the first occurrence (and is skipped when there is none).
_DIGIT_LED = ("#",)


_STARTS: dict[object, tuple[str, ...]] = {
    _RX_TIME_KL: ("kl",),
    _RX_TIME_HM: _DIGIT_LED,
    _RX_TIME_AMPM: _DIGIT_LED,
    _RX_TIME_H: _DIGIT_LED,
    _RX_TIME_TIDEN: _DIGIT_LED,
    _RX_ISO: _DIGIT_LED,
    _RX_NUM_Y: _DIGIT_LED,
    _RX_NUM_DM: _DIGIT_LED,
    _RX_DOT_DM: _DIGIT_LED,
    _RX_MON_YEAR_NUM: _DIGIT_LED,
    _RX_YEAR_NUM: _DIGIT_LED,
    _RX_TIME_AT: ("at", "around", "approximately", "about", "@"),
    _RX_TIME_AFTER_BARE: ("after", "before", "efter", "före", "fore", "innan"),
    _RX_TIME_RANGE_BARE: ("från", "fran", "from", "mellan", "between"),
    _RX_TIME_HALF_EN: ("half", "at"),
    _RX_LUNCH_TIME: ("lunch",),
    _RX_OFFSET: ("om", "in", "efter", "after", "within"),
    _RX_LABEL_OFFSET: _DIGIT_LED,
}


_RULES = tuple((rx, fn, _GATES.get(fn), _STARTS.get(rx)) for rx, fn in _RULES_LIST)


_OFFSET_RULES = tuple(
    (rx, fn, _GATES_FROM_NOW if rx is _RX_FROM_NOW else _GATES.get(fn), _STARTS.get(rx))
    for rx, fn in _OFFSET_RULES_LIST
)


_TOKEN = re.compile(r"[^\W\d_]+")


def _gate_open(gate: object, tokens: set[str], low: str) -> bool:
    """True if the rule guarded by ``gate`` may match at all (see ``_GATES``).

    A set: one of its words occurs; a tuple: each of its sets has a word; a list: one of its
    gates is open; a pattern: it is found in the lower-cased text."""
    if gate is None:
        return True
    if isinstance(gate, frozenset):
        return not gate.isdisjoint(tokens)
    if isinstance(gate, tuple):
        return all(not g.isdisjoint(tokens) for g in gate)
    if isinstance(gate, list):
        return any(_gate_open(g, tokens, low) for g in gate)
    return gate.search(low) is not None  # type: ignore[attr-defined]
