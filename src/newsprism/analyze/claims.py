"""Claims: one assertion per event predicate, with who, what, when, where, status and source.

Each sentence gives a claim for its main verb and for verbs of coordinated, complement,
adverbial and relative clauses. A verb that only introduces other words gives none of its own:
a speech verb ("Ushakov announced that ...") lends its speaker to the complement as
``attribution``; a control verb ("intends to hold", "has yet to unveil", "continues to")
hands its subject and its status cue to the verb it governs.

The status of a predicate (``status_of``) is read from the parse around it: negation,
modal and future auxiliaries, hedging adverbs, the verb governing it ("plans to", "failed
to", "denied that", "believes that"), conditions ("if"), and the status of the clause above
it. ``factuality_value`` maps a status reading to the [-3, 3] scale of the unified
factuality corpora; the ``status`` evaluation task scores exactly this logic.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Doc, Token

from newsprism.analyze.dates import dated_verb
from newsprism.analyze.quotes import (
    DIRECT_ONLY_VERBS,
    QUOTE_CHARS,
    SPEECH_VERBS,
    _is_speech,
    _person_words,
    _resolve_pronoun,
)
from newsprism.analyze.sentences import sentence_of, sentence_spans
from newsprism.model import Article, Claim, Quantity, Quote, Status, TimeExpr
from newsprism.settings import DEFAULT, AnalyzeSettings

FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo", "ll"})
WEAK_MODALS = frozenset({"may", "might", "could", "can", "ca", "should", "must", "ought"})
STRONG_MODALS = frozenset({"would", "'d"})
NEGATIONS = frozenset({"not", "n't", "never", "no", "nt"})
WEAK_ADVERBS = frozenset(
    {"reportedly", "allegedly", "apparently", "possibly", "perhaps", "maybe", "purportedly",
     "supposedly", "seemingly", "potentially"}
)  # fmt: skip
STRONG_ADVERBS = frozenset({"probably", "likely", "presumably"})
# Modifiers that make a nominal event planned or uncertain ("the proposed merger").
PLANNED_ADJECTIVES = frozenset(
    {"planned", "proposed", "upcoming", "future", "scheduled", "forthcoming", "prospective",
     "intended", "pending", "impending"}
)  # fmt: skip
WEAK_ADJECTIVES = frozenset({"possible", "potential", "hypothetical", "rumored", "rumoured"})
STRONG_ADJECTIVES = frozenset(
    {"alleged", "suspected", "expected", "likely", "probable", "apparent"}
)
# Verbs whose xcomp / ccomp / object names an event that has not happened (yet).
PLAN_VERBS = frozenset(
    {"plan", "intend", "aim", "want", "hope", "seek", "expect", "schedule", "prepare", "set",
     "due", "vow", "pledge", "promise", "threaten", "propose", "agree", "decide", "wish",
     "mean", "urge", "call", "ask", "demand", "order", "slate", "offer", "push", "press",
     "plot", "consider", "going", "go", "need", "require", "encourage", "invite", "tell",
     "allow", "permit", "authorize", "approve", "recommend", "suggest", "request", "let",
     "await", "look", "strive", "work", "move", "volunteer", "would", "like", "love",
     "try", "attempt"}
)  # fmt: skip
UNCERTAIN_VERBS = frozenset({"try", "attempt", "seek", "strive"})
ONGOING_VERBS = frozenset({"continue", "keep", "remain", "resume"})
DENY_VERBS = frozenset(
    {"fail", "refuse", "decline", "neglect", "forget", "cancel", "abandon", "withdraw"}
)
# Verbs that work against an event without saying it did not happen ("block", "stop").
HINDER_VERBS = frozenset(
    {"stop", "cease", "prevent", "avoid", "halt", "block", "ban", "forbid",
     "postpone", "quit", "suspend", "oppose", "resist", "bar", "veto", "delay", "prohibit"}
)  # fmt: skip
BELIEF_VERBS = frozenset(
    {"believe", "think", "suspect", "fear", "allege", "claim", "suggest", "speculate",
     "guess", "predict", "estimate", "suppose", "assume", "wonder", "expect", "doubt",
     "hope", "worry", "seem", "appear", "consider", "rumor", "rumour", "question",
     "imagine", "bet", "anticipate", "forecast", "project", "warn"}
)  # fmt: skip
FACTIVE_VERBS = frozenset({"manage", "begin", "start", "succeed", "help", "force", "get"})
CONDITION_MARKS = frozenset({"if", "unless", "whether", "lest"})
PURPOSE_MARKS = frozenset({"so", "in order", "to"})
# Marks of an adverbial clause the writer asserts whatever the main clause's mood: "Although
# he's expressed openness to legal status previously, his comments could be a hint ...".
ASSERTED_MARKS = frozenset({"although", "though", "because", "whereas"})
# Plan verbs that plan only with an infinitive: "meant to" plans, "this means that" does not.
INFINITIVE_PLAN_VERBS = frozenset({"mean"})
# Heads of the subject / object phrases: children kept in the phrase text.
PHRASE_DEPS = frozenset(
    {"compound", "amod", "det", "poss", "nmod", "nummod", "appos", "conj", "cc", "flat",
     "case", "quantmod", "punct", "prt", "predet", "npadvmod", "neg"}
)  # fmt: skip
CLAUSE_DEPS = frozenset({"ROOT", "conj", "ccomp", "advcl", "relcl", "xcomp", "acl", "parataxis"})
# Verbs that direct someone else to act ("urged BRICS to function", "asked Congress to
# pass"): the directing is an act of its own, and its object is who is to act.
DIRECTIVE_VERBS = frozenset(
    {"urge", "ask", "tell", "order", "force", "call", "encourage", "invite", "press", "push",
     "request", "persuade", "instruct", "direct", "implore", "beg", "advise", "warn",
     "challenge", "pressure", "prod", "command", "allow", "permit", "authorize"}
)  # fmt: skip
PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass(frozen=True)
class StatusReading:
    """A predicate's status, whether it is negated, and the word that decided it."""

    status: Status
    negated: bool = False
    cue: str = ""
    strong: bool = False  # for "uncertain": a strong hedge (probably, would) vs may / might


def _aux_words(token: Token) -> list[Token]:
    own = [c for c in token.children if c.dep_ in ("aux", "auxpass", "neg")]
    shares_head = (
        token.dep_ == "conj"
        and token.tag_ not in ("VBD", "VBZ", "VBP")
        and not any(c.dep_ in ("nsubj", "nsubjpass") for c in token.children)
    )
    if not any(c.dep_ in ("aux", "auxpass") for c in own) and shares_head:
        own += [c for c in token.head.children if c.dep_ in ("aux", "auxpass", "neg")]
    return own


def _own_reading(token: Token) -> StatusReading:
    """Status cues on the predicate itself: auxiliaries, negation, adverbs, tense, marks."""
    negated = False
    status: Status | None = None
    cue = ""
    strong = False
    children = list(token.children)
    for child in _aux_words(token):
        low = child.lower_
        if child.dep_ == "neg" or low in NEGATIONS:
            negated = True
        elif low in FUTURE_AUX:
            status, cue = "planned", low
        elif low in WEAK_MODALS and status is None:
            status, cue = "uncertain", low
        elif low in STRONG_MODALS and status is None:
            status, cue, strong = "uncertain", low, True
    if token.dep_ == "conj" and any(
        c.dep_ == "cc" and c.lower_ == "nor" for c in token.head.children
    ):
        negated = True  # "neither approves nor [disapproves]"
    for child in children:
        low = child.lower_
        if (child.dep_, low) in (("advmod", "never"), ("preconj", "neither")):
            negated = True
        elif (
            child.dep_ == "advmod"
            and low == "longer"
            and any(g.lower_ == "no" for g in child.children)
        ):
            negated = True  # "many no longer make the national news"
        elif child.dep_ == "advmod" and low in WEAK_ADVERBS and status is None:
            status, cue = "uncertain", low
        elif child.dep_ == "advmod" and low in STRONG_ADVERBS and status is None:
            status, cue, strong = "uncertain", low, True
        elif child.dep_ == "mark" and low in CONDITION_MARKS:
            status, cue = "uncertain", low
        elif child.dep_ in ("nsubj", "nsubjpass") and _says_no(child, ("no", "neither")):
            # "No one held her back": it did not happen. An object's "no" denies the thing,
            # on its own word ("there have been no [cancellations]"), not the event: "he
            # sees no end", "made no secret of" (he sees; she made it plain).
            negated = True
        elif child.dep_ in ("nsubj", "nsubjpass") and child.lower_ in ("nobody", "nothing", "none"):
            negated = True
    if token.pos_ == "NOUN" and _says_no(token):
        negated, cue = True, cue or "no"  # "no mass cancellations", "no specific plans"
    if token.pos_ == "NOUN" and status is None:
        for child in children:
            low = child.lower_
            if child.dep_ not in ("amod", "compound"):
                continue
            if low in PLANNED_ADJECTIVES:
                status, cue = "planned", low
            elif low in WEAK_ADJECTIVES:
                status, cue = "uncertain", low
            elif low in STRONG_ADJECTIVES:
                status, cue, strong = "uncertain", low, True
    # "is seen as", "is considered"
    if (
        token.lemma_ in ("see", "consider", "view", "regard")
        and token.tag_ == "VBN"
        and any(c.lower_ == "as" for c in children)
    ):
        status, cue = status or "uncertain", cue or token.lemma_
        strong = True
    if status is None:
        auxes = [c for c in _aux_words(token) if c.dep_ in ("aux", "auxpass")]
        progressive = token.tag_ == "VBG" and any(a.lemma_ == "be" for a in auxes)
        if progressive or (token.tag_ in ("VBZ", "VBP") and not auxes):
            status = "ongoing"
        elif token.tag_ == "VB" and any(a.lower_ == "to" for a in auxes):
            status, cue = "planned", "to"
        elif token.tag_ == "VB" and not auxes and token.dep_ in ("ROOT",):
            status, cue = "planned", "imperative"
    if token.doc[token.sent.end - 1].text == "?" and status is None:
        status, cue = "uncertain", "?"
    return StatusReading(status or "happened", negated, cue, strong)


def _governor(token: Token) -> tuple[Token, str] | None:
    """The word whose meaning governs the predicate's status, and the relation to it: none
    in another sentence (the parse may hang a sentence on a headline above it, across the
    line break that ends it)."""
    if token.head.i == token.i or sentence_of(token.head) != sentence_of(token):
        return None
    dep = token.dep_
    head = token.head
    if dep in ("xcomp", "ccomp", "advcl", "conj", "acl", "csubj", "pcomp", "relcl", "parataxis"):
        return head, dep
    if dep in ("dobj", "nsubjpass", "attr", "oprd"):
        return head, dep
    if dep == "pobj" and head.dep_ == "prep":
        return head.head, "pobj"
    if dep in ("nsubj", "compound", "amod", "appos", "nmod", "poss"):
        return head, dep
    return None


def _combine(child: StatusReading, parent: StatusReading) -> StatusReading:
    """A clause is at most as factual as the clause it sits in."""
    if parent.status == "denied" and child.status in ("happened", "ongoing"):
        # under a negated or refused event the event is left open, not denied
        return StatusReading("uncertain", child.negated, "under " + (parent.cue or "not"), True)
    if parent.status == "happened" or parent.status == "ongoing":
        if parent.negated and child.status in ("happened", "ongoing"):
            return StatusReading("uncertain", child.negated, parent.cue or "not", False)
        return child
    if child.status in ("happened", "ongoing"):
        return StatusReading(parent.status, child.negated, parent.cue, parent.strong)
    if parent.status == "denied" and parent.cue in DENY_VERBS | DISPUTE_VERBS:
        # "rejected a proposal to combine the carriers": the combining is refused
        return StatusReading("denied", child.negated, "under " + parent.cue)
    return child


# Negation by a determiner or preposition: the annotators read these as open, not as denied.
WEAK_NEGATION_CUES = frozenset({"no", "under no", "without", "instead", "rather", "except"})
DESIRE_VERBS = frozenset(
    {"want", "hope", "wish", "need", "demand", "urge", "intend", "ask", "like", "love",
     "require", "request", "press", "push"}
)  # fmt: skip
# A source denying an event: the claim's status is "denied", but on the factuality scale the
# author's own commitment stays fairly high (annotators read "X denied that Y" as Y probable).
DISPUTE_VERBS = frozenset({"deny", "reject", "dismiss", "refute", "dispute", "rebut"})
# Prepositions that set a scene (place, time, manner) rather than name a goal.
FRAME_PREPS = frozenset({"in", "at", "during", "after", "before", "since", "by", "amid", "on"})
NEGATING_PREPS = frozenset({"without", "instead", "rather", "except"})
HINDER_FROM = frozenset({"refrain", "abstain", "desist"})
# Phrasal verbs read as the verb they mean: "turned down such treatment" refuses it.
PHRASAL_LEMMAS = {("turn", "down"): "refuse", ("call", "off"): "cancel", ("rule", "out"): "refuse"}
# Nouns whose "of" names an event that is missing, or only possible ("the lack of", "the
# likelihood of"), or whose "on" names an event held back ("an embargo on trade").
ABSENCE_NOUNS = frozenset({"lack", "absence"})
CHANCE_NOUNS = frozenset(
    {"possibility", "likelihood", "chance", "prospect", "risk", "threat", "danger", "fear"}
)
CURB_NOUNS = frozenset(
    {"ban", "embargo", "moratorium", "freeze", "limit", "restriction", "curb", "veto"}
)
# Nouns whose "to" names an event not done ("the failure to enforce its decision").
FAILURE_NOUNS = frozenset({"failure", "refusal"})
# Nouns whose "to" names an event that may be done, not one that is ("has the right to
# speak", "the ability to deliver"): open, and not done where the holding is denied.
ABILITY_NOUNS = frozenset(
    {"right", "ability", "authority", "power", "permission", "opportunity", "capacity", "freedom"}
)


def _prep_cue(token: Token, own: StatusReading) -> StatusReading | None:
    """Cues carried by a preposition: "without adding", "barred from reaching", "calls for"."""
    if token.dep_ not in ("pcomp", "pobj") or token.head.dep_ not in ("prep", "pcomp", "advmod"):
        if token.dep_ == "compound" and token.pos_ == "NOUN" and not own.negated:
            return StatusReading("uncertain", False, "generic", True)
        return None
    prep = token.head
    word = prep.lower_
    words = {word, prep.head.lower_} if prep.dep_ in ("pcomp", "prep") else {word}
    if words & NEGATING_PREPS or (word == "than" and prep.head.lower_ == "rather"):
        return StatusReading("denied", True, word)
    holder = prep.head.lemma_.lower()
    if word == "of" and holder in ABSENCE_NOUNS:
        return StatusReading("denied", False, holder)  # "the lack of piloting opportunities"
    if word == "of" and holder in CHANCE_NOUNS:
        return StatusReading("uncertain", False, holder)  # "the likelihood of his organizing"
    if word == "on" and holder in CURB_NOUNS:
        return StatusReading("uncertain", False, holder)  # "an embargo on trade"
    if word == "against" and token.dep_ == "pcomp" and token.tag_ == "VBG":
        # "decided against seeking a white knight", "a stand against restricting ...": not done
        return StatusReading("denied", False, "against")
    if word == "from" and token.dep_ == "pcomp":
        governor = prep.head.lemma_.lower()
        if governor in HINDER_FROM:
            return StatusReading("denied", False, governor)
        if governor in HINDER_VERBS or governor in ("keep", "bar", "discourage", "dissuade"):
            return StatusReading("uncertain", False, governor)
    if token.pos_ == "NOUN" and word == "for" and not own.negated:
        reached = prep.head.head if prep.head.dep_ == "acomp" else prep.head
        if _own_reading(reached).negated:
            # "could not be reached for comment", "weren't available for comment": none
            return StatusReading("denied", True, "not for")
        return StatusReading("planned", False, "for")
    gerund = token.dep_ == "pcomp" and token.tag_ == "VBG"
    bare = not own.negated and not any(c.dep_ in ("aux", "auxpass") for c in token.children)
    if gerund and bare and word in ("of", "to", "toward", "towards"):
        return StatusReading("planned", False, "to")
    if gerund and bare and word == "for":
        return StatusReading("uncertain", False, "generic", True)
    return None


def status_of(token: Token, _depth: int = 0) -> StatusReading:
    """The status of the event a predicate token names, read from the parse around it."""
    own = _own_reading(token)
    if own.negated and own.status in ("happened", "ongoing"):
        own = StatusReading("denied", True, own.cue or "not")
    elif own.negated and own.status == "uncertain" and own.cue in STRONG_MODALS:
        # "He would not elaborate", "It wouldn't identify the bankers": a refusal, not a doubt
        own = StatusReading("denied", True, "would not")
    prep = _prep_cue(token, own)
    if prep is not None:
        return prep
    gov = _governor(token)
    if gov is None or _depth > 6:
        return own
    head, dep = gov
    lemma = head.lemma_.lower()
    lemma = PHRASAL_LEMMAS.get((lemma, _particle(head)), lemma)  # "turned down" = refuse
    head_reading = _own_reading(head)
    has_yet = any(c.lower_ == "yet" for c in head.children)
    if dep in ("xcomp", "ccomp", "dobj", "pobj", "nsubjpass", "acl", "advcl", "csubj", "pcomp"):
        if (
            dep == "acl"
            and own.cue == "to"
            and head.pos_ == "NOUN"
            and (_says_no(head) or lemma in FAILURE_NOUNS)
        ):
            # "has no plans to recall", "Reno's failure to set a new deadline": not done
            return StatusReading("denied", True, "no " + lemma if _says_no(head) else lemma)
        if dep == "acl" and own.cue == "to" and lemma in ABILITY_NOUNS and head.pos_ == "NOUN":
            # "they do not have the right to work": they may not; "has the right to speak": open
            holding = _governor(head)
            if holding is not None and _own_reading(holding[0]).negated:
                return StatusReading("denied", own.negated, "no " + lemma)
            return StatusReading("uncertain", own.negated, lemma)
        if lemma == "have" and has_yet and dep == "xcomp":
            return StatusReading("denied", True, "yet to")
        if lemma == "have" and dep == "xcomp" and _has_to(token):
            # "had to apologize": it happened; "has to resign": it is due, not done.
            if head_reading.negated:
                return StatusReading("uncertain", True, "not have to")
            if head.tag_ == "VBD":
                return StatusReading("happened", own.negated, "had to")
            return StatusReading("planned", own.negated, "has to")
        if dep in ("xcomp", "ccomp", "dobj", "pobj", "nsubjpass", "acl", "csubj"):
            if (
                lemma in DENY_VERBS
                and head.pos_ in ("VERB", "AUX")  # not "the decline"
                and not (dep == "pobj" and token.head.lower_ == "from")  # "withdrew from the race"
                # "In an interview, he declined to say": the interview is the setting
                and not (dep == "pobj" and token.head.lower_ in FRAME_PREPS)
            ):
                if head_reading.negated:  # "did not deny" -> the event stands
                    return own
                return StatusReading("denied", own.negated, lemma)
            if lemma in DISPUTE_VERBS and dep in ("ccomp", "dobj"):
                if head_reading.negated:
                    return own
                return StatusReading("denied", own.negated, lemma)
            if lemma in HINDER_VERBS:
                if head_reading.negated:
                    return own
                return StatusReading("uncertain", own.negated, lemma)
            if lemma in UNCERTAIN_VERBS and dep in ("xcomp", "dobj"):
                parent = status_of(head, _depth + 1)
                base = StatusReading("uncertain", own.negated, lemma)
                return _combine(base, parent) if parent.status != "happened" else base
            if lemma in ONGOING_VERBS and dep == "xcomp":
                parent = status_of(head, _depth + 1)
                return _combine(StatusReading("ongoing", own.negated, lemma), parent)
            if lemma == "go" and dep == "xcomp" and _particle(head) == "on":
                # "went on to win": it did, as far as the going on did
                base = StatusReading("happened", own.negated, "go on to")
                return _combine(base, status_of(head, _depth + 1))
            if (
                lemma in PLAN_VERBS
                and dep in ("xcomp", "dobj", "ccomp", "nsubjpass")
                and not (lemma in BELIEF_VERBS and dep == "ccomp")
                and not (lemma in INFINITIVE_PLAN_VERBS and dep != "xcomp")
            ):
                if own.status not in ("happened", "ongoing") and own.cue not in ("to", ""):
                    return own
                parent = status_of(head, _depth + 1)
                if parent.status == "denied" or parent.negated:
                    return StatusReading("uncertain", True, "not " + lemma)
                if parent.status == "uncertain":
                    return StatusReading("uncertain", own.negated, parent.cue, parent.strong)
                return StatusReading("planned", own.negated, lemma)
            if lemma in BELIEF_VERBS and dep == "ccomp":
                if own.status in ("happened", "ongoing"):
                    negated = own.negated
                    status: Status = "uncertain"
                    return StatusReading(
                        status, negated, lemma, lemma in ("expect", "believe", "think")
                    )
                return own
            if lemma in FACTIVE_VERBS and dep == "xcomp":
                return _combine(own, status_of(head, _depth + 1))
            if lemma in SPEECH_VERBS and dep == "ccomp":
                parent = status_of(head, _depth + 1)
                if parent.negated:
                    return _combine(own, parent)
                if own.status == "uncertain" and own.cue == "would":
                    return StatusReading("planned", own.negated, "would")
                return own
        if dep == "advcl":
            marks = {c.lower_ for c in token.children if c.dep_ == "mark"}
            if marks & CONDITION_MARKS:
                return StatusReading("uncertain", own.negated, "if")
            if marks & ASSERTED_MARKS:
                return own
            if own.cue == "to" or marks & {"so", "order"}:
                parent = status_of(head, _depth + 1)
                return _combine(StatusReading("planned", own.negated, "to"), parent)
            if own.status in ("happened", "ongoing") and not own.cue:
                # "until Iraq complies", "once that happens": the main clause sets the status
                return _combine(own, status_of(head, _depth + 1))
            return own
        if dep == "xcomp" and token.lemma_ == "see" and lemma == "remain":
            return StatusReading("uncertain", own.negated, "remains to be seen")
        if dep == "xcomp" and lemma in ("able", "unable") and head.dep_ == "acomp":
            # "were n't able to speak", "was unable to attend": it did not happen; "was able
            # to leave": it did (as far as the clause holding "able" did)
            holder = status_of(head.head, _depth + 1)
            if lemma == "unable" or holder.negated or holder.status == "denied":
                return StatusReading("denied", own.negated, "unable")
            return _combine(StatusReading("happened", own.negated, "able to"), holder)
        if dep == "xcomp":
            return _combine(own, status_of(head, _depth + 1))
        if dep == "acl" and own.cue != "to":
            return own  # "those found at the site": a participle states its own event
        if dep == "pobj" and token.head.lower_ in FRAME_PREPS:
            return own  # "in composite trading", "after the vote": a setting, not a goal
        if dep in ("dobj", "pobj", "nsubjpass", "acl", "csubj", "pcomp"):
            if token.pos_ in ("NOUN", "PROPN", "ADJ", "NUM") or own.cue in ("to", ""):
                parent = status_of(head, _depth + 1)
                if token.pos_ in ("NOUN", "PROPN") and own.negated:
                    return StatusReading("denied", True, "no")
                return _combine(own, parent)
            return own
        return own
    if dep == "conj":
        if own.status != "happened" or own.negated or token.tag_ in ("VBD", "VBZ", "VBP", "MD"):
            return own
        return (
            status_of(head, _depth + 1)
            if _aux_words(token) == _aux_words(head)
            or not [c for c in token.children if c.dep_ in ("aux", "auxpass")]
            else own
        )
    if dep in ("nsubj", "attr", "oprd", "compound", "amod", "appos", "nmod", "poss"):
        if token.pos_ in ("NOUN", "PROPN", "ADJ"):
            if own.negated:
                return StatusReading("denied", True, "no")
            if dep in ("nsubj", "attr", "oprd"):
                return _combine(own, status_of(head, _depth + 1))
            if dep in ("compound", "amod") and head.pos_ == "NOUN":
                # the event word naming a kind of thing shares its fate: "a memorial service
                # ... was canceled", "an all-out bidding war ... seems unlikely"
                return _combine(own, status_of(head, _depth + 1))
        return own
    return own


def factuality_value(
    status: Status,
    negated: bool = False,
    cue: str = "",
    strong: bool = False,
    settings: AnalyzeSettings = DEFAULT.analyze,
) -> float:
    """A status reading on the factuality scale: +3 certainly happened ... -3 certainly not."""
    if cue in WEAK_NEGATION_CUES:
        return settings.factuality_no
    if cue in DISPUTE_VERBS and not negated:
        return settings.factuality_disputed
    if status == "denied" and not negated:
        return settings.factuality_refused
    if status == "denied":
        return settings.factuality_denied
    if negated and status in ("happened", "ongoing"):
        return settings.factuality_denied
    if negated and status == "planned" and cue in FUTURE_AUX:
        return settings.factuality_denied  # "won't hold any shares": said it will not
    if negated:
        return settings.factuality_negated_uncertain
    if cue == "generic":
        return settings.factuality_generic
    if status == "happened":
        return settings.factuality_happened
    if status == "ongoing":
        return settings.factuality_ongoing
    if status == "planned":
        if cue in FUTURE_AUX:
            return settings.factuality_will
        if cue == "to":
            return settings.factuality_infinitive
        if cue in DESIRE_VERBS:
            return settings.factuality_desired
        return settings.factuality_planned
    return settings.factuality_uncertain_strong if strong else settings.factuality_uncertain_weak


def reading_value(reading: StatusReading, settings: AnalyzeSettings = DEFAULT.analyze) -> float:
    """``factuality_value`` of a ``StatusReading``."""
    return factuality_value(reading.status, reading.negated, reading.cue, reading.strong, settings)


# ---------------------------------------------------------------- claim extraction


def _is_control(token: Token) -> bool:
    """A verb that hands its subject and status to the verb it governs ("intends to hold")."""
    xcomps = [c for c in token.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX")]
    if not xcomps:
        return False
    lemma = token.lemma_.lower()
    if _directed(token) is not None:
        return False  # "urged BRICS to function": Guterres urged; BRICS is to function
    if lemma == "have" and any(c.lower_ == "yet" for c in token.children):
        return True
    if lemma == "have" and _has_to(xcomps[0]):
        return True  # "had to apologize": the event is the apology, not a "have"
    return lemma in PLAN_VERBS | ONGOING_VERBS | DENY_VERBS | UNCERTAIN_VERBS | FACTIVE_VERBS | {
        "be", "seem", "appear", "tend", "happen", "continue"
    }  # fmt: skip


def _directed(token: Token) -> Token | None:
    """Whom a directive verb directs: "urged [BRICS] to", "called on [lawmakers] to",
    "calling for [Tea Party groups] to", and in the passive "[Phillips], who was ordered to"
    (the order is an event of its own; the paying is what it asks for)."""
    if token.lemma_.lower() not in DIRECTIVE_VERBS:
        return None
    obj = next((c for c in token.children if c.dep_ == "dobj"), None)
    if obj is not None:
        return obj
    if token.tag_ == "VBN":
        passive = next((c for c in token.children if c.dep_ == "nsubjpass"), None)
        if passive is not None and passive.tag_ in ("WDT", "WP") and token.dep_ == "relcl":
            return token.head
        if passive is not None:
            return passive
    on = next((c for c in token.children if c.dep_ == "prep" and c.lower_ in ("on", "for")), None)
    return next((g for g in on.children if g.dep_ == "pobj"), None) if on is not None else None


def _particle(token: Token) -> str:
    """A verb's particle ("down" of "turned down", "on" of "went on"), or ""."""
    return next((c.lower_ for c in token.children if c.dep_ == "prt"), "")


def _says_no(token: Token, words: tuple[str, ...] = ("no",)) -> bool:
    """Whether a noun has a determiner that says there is none ("no one", "neither side"),
    used rather than named (not the "no" of 'the lone "no" vote')."""
    return any(
        c.dep_ == "det" and c.lower_ in words and not _quoted_word(c) for c in token.children
    )


def _quoted_word(token: Token) -> bool:
    """A word in quotation marks of its own, named rather than used: the "no" of 'the lone
    "no" vote'."""
    doc = token.doc
    before = doc[token.i - 1].text if token.i > 0 else ""
    after = doc[token.i + 1].text if token.i + 1 < len(doc) else ""
    return before in ('"', "“", "'", "‘") and after in ('"', "”", "'", "’")


def _has_to(token: Token) -> bool:
    """A verb with its infinitive "to" ("apologize" in "had to apologize")."""
    return any(c.lower_ == "to" and c.dep_ == "aux" for c in token.children)


def _next_to(token: Token, quote: Quote, text: str) -> bool:
    """Whether a verb stands right beside a direct quote ("“...,” he said", "remarked, “...")."""
    end = token.idx + len(token.text)
    if 0 <= quote.start - end <= 4 and not any(ch.isalnum() for ch in text[end : quote.start]):
        return True
    between = text[quote.end : token.idx]
    return (
        0 <= token.idx - quote.end <= 40
        and any(mark in between[:3] for mark in ",?!—")
        and len(between.split()) <= 4
        and "." not in between
    )


def _xcomp(token: Token) -> Token:
    return next(c for c in token.children if c.dep_ == "xcomp" and c.pos_ in ("VERB", "AUX"))


def _introduces(token: Token) -> bool:
    """A speech verb that only introduces a complement or a quote: no claim of its own."""
    if not _is_speech(token):
        return False
    if any(c.dep_ == "ccomp" for c in token.children):
        return True
    return any(c.dep_ == "punct" and c.text in '"“”«»' for c in token.children) or any(
        c.dep_ == "ccomp" for c in token.head.children if token.dep_ == "conj"
    )


def _is_predicate(token: Token) -> bool:
    if token.pos_ not in ("VERB", "AUX"):
        return False
    if token.pos_ == "AUX" and token.dep_ not in ("ROOT", "conj", "ccomp", "advcl", "relcl"):
        return False
    if token.dep_ not in CLAUSE_DEPS:
        return False
    if token.dep_ == "xcomp" and not _is_control(token.head):
        return token.head.pos_ not in ("VERB", "AUX")
    if token.dep_ == "acl" and token.tag_ == "VBN" and not _is_control(token):
        return False
    return token.lower_ != "according" and any(ch.isalpha() for ch in token.lemma_)


def _phrase(token: Token, extra_preps: frozenset[str] = frozenset()) -> tuple[int, int]:
    """Token bounds of a noun phrase: the head with its modifiers, not its clauses."""
    kept = {token.i}
    stack = [token]
    while stack:
        tok = stack.pop()
        for child in tok.children:
            keep = child.dep_ in PHRASE_DEPS or (
                child.dep_ == "prep" and child.lower_ in extra_preps
            )
            if child.dep_ == "pobj" and tok.dep_ == "prep":
                keep = True
            if keep:
                kept.add(child.i)
                stack.append(child)
    doc = token.doc
    kept |= {t.i for t in doc[token.left_edge.i : token.right_edge.i + 1] if t.text in QUOTE_CHARS}
    lo, hi = token.i, token.i
    while lo - 1 in kept:
        lo -= 1
    while hi + 1 in kept:
        hi += 1
    while lo < hi and (doc[lo].is_punct or doc[lo].dep_ == "cc"):
        lo += 1
    while hi > lo and (doc[hi].is_punct or doc[hi].dep_ == "cc"):
        hi -= 1
    return lo, hi + 1


def _span_text(doc: Doc, lo: int, hi: int) -> str:
    text = doc[lo:hi].text
    return " ".join("".join(ch for ch in text if ch not in QUOTE_CHARS).split())


def _subject(token: Token, names: set[str]) -> str:
    current: Token | None = token
    for _ in range(5):
        if current is None:
            break
        for child in current.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj", "expl"):
                if child.dep_ == "expl":
                    continue
                if child.lower_ in ("he", "she"):
                    return _resolve_pronoun(child, names)
                if child.tag_ in ("WDT", "WP") and current.dep_ == "relcl":
                    return _phrase_text(current.head)
                return _phrase_text(child)
        if current.dep_ in ("relcl", "acl") and current.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return _phrase_text(current.head)
        if current.dep_ == "xcomp":
            obj = _directed(current.head)
            if obj is not None:
                return _phrase_text(obj)
        if current.dep_ in ("xcomp", "conj", "advcl", "ccomp") and current.head.i != current.i:
            current = current.head
        else:
            break
    return ""


def _phrase_text(token: Token) -> str:
    lo, hi = _phrase(token)
    return _span_text(token.doc, lo, hi)


def _object(token: Token) -> str:
    for child in token.children:
        if child.dep_ in ("dobj", "attr", "dative", "oprd", "acomp"):
            lo, hi = _phrase(child, frozenset({"with", "of"}))
            return _span_text(token.doc, lo, hi)
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in (
            "with",
            "against",
            "to",
            "on",
            "about",
            "into",
            "for",
        ):
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None and pobj.ent_type_ not in ("DATE", "TIME"):
                return _phrase_text(pobj)
    return ""


def _root_at(doc: Doc, start: int, end: int) -> Token | None:
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.root if span is not None and len(span) else None


def _owner(token: Token, claims_at: dict[int, int], handed: dict[int, int]) -> int | None:
    """The claim predicate a token belongs to: its nearest predicate ancestor."""
    current = token
    for _ in range(64):
        if current.i in claims_at:
            return current.i
        if current.i in handed:
            return handed[current.i]
        if current.head.i == current.i:
            return None
        current = current.head
    return None


def extract_claims(
    doc: Doc,
    article: Article,
    times: list[TimeExpr],
    quantities: list[Quantity],
    quotes: list[Quote],
) -> list[Claim]:
    """The claims of an article in text order, each inside one sentence."""
    names = _person_words(doc)
    text = doc.text
    claims: list[Claim] = []
    # Each time by its root token and the verb it dates.
    time_roots = [
        (t, r, dated_verb(r)) for t in times if (r := _root_at(doc, t.start, t.end)) is not None
    ]
    quantity_roots = [
        (q, r) for q in quantities if (r := _root_at(doc, q.start, q.end)) is not None
    ]
    for s_index, sent in enumerate(sentence_spans(doc)):
        predicates = [t for t in sent if _is_predicate(t)]
        chosen: list[Token] = []
        handed: dict[int, int] = {}  # control verb -> the verb it hands its claim to
        for token in predicates:
            if _introduces(token):
                continue
            if token.lemma_.lower() in SPEECH_VERBS | DIRECT_ONLY_VERBS and any(
                q.direct and _next_to(token, q, text) for q in quotes
            ):
                continue
            if _is_control(token):
                chain, target = [token], _xcomp(token)
                while _is_control(target):
                    chain.append(target)
                    target = _xcomp(target)
                for link in chain:
                    handed[link.i] = target.i
                continue
            chosen.append(token)
        chosen = [t for t in chosen if t.i not in handed]
        claims_at = {t.i: k for k, t in enumerate(chosen)}
        # tokens that belong to each claim, to bound its span
        owned: dict[int, list[Token]] = {t.i: [] for t in chosen}
        for token in sent:
            owner = _owner(token, claims_at, handed)
            if owner is not None and owner in owned:
                owned[owner].append(token)
        for token in chosen:
            tokens = [t for t in owned[token.i] if not t.is_space]
            while tokens and (tokens[0].is_punct or tokens[0].dep_ in ("cc", "mark")):
                tokens = tokens[1:]
            while tokens and tokens[-1].is_punct:
                tokens = tokens[:-1]
            if not tokens:
                tokens = [token]
            start = min(t.idx for t in tokens)
            end = max(t.idx + len(t.text) for t in tokens)
            start, end = max(start, sent.start_char), min(end, sent.end_char)
            reading = status_of(token)
            # time, place and numbers: those whose nearest predicate is this one; a time
            # dates it only when no other verb comes between ("blamed his rival for the story
            # published Friday": Friday dates the publishing, not the blaming)
            time = None
            best_depth = 99
            for expr, root, verb in time_roots:
                if not (sent.start_char <= expr.start < sent.end_char):
                    continue
                if verb is not None and token.i not in (verb.i, handed.get(verb.i)):
                    continue
                if _owner(root, claims_at, handed) == token.i:
                    depth = len(list(root.ancestors))
                    if depth < best_depth:
                        time, best_depth = expr, depth
            numbers = [
                quantity
                for quantity, root in quantity_roots
                if sent.start_char <= quantity.start < sent.end_char
                and _owner(root, claims_at, handed) == token.i
            ]
            place = ""
            for t in owned[token.i]:
                if (
                    t.ent_type_ in PLACE_LABELS
                    and t.dep_ == "pobj"
                    and t.head.lower_ in ("in", "at", "near")
                ):
                    ent = next((e for e in doc.ents if e.start <= t.i < e.end), None)
                    place = ent.text if ent is not None else t.text
                    break
            attribution, quoted = "", False
            inner: Quote | None = None
            for quote in quotes:
                if quote.start <= token.idx < quote.end and (
                    inner is None or quote.end - quote.start < inner.end - inner.start
                ):
                    inner = quote
            if inner is not None:
                attribution, quoted = inner.speaker, inner.direct
            claims.append(
                Claim(
                    id="",
                    article=article.id,
                    start=start,
                    end=end,
                    sentence=s_index,
                    subject=_subject(token, names),
                    predicate=token.lemma_.lower(),
                    object=_object(token),
                    predicate_start=token.idx,
                    predicate_end=token.idx + len(token.text),
                    time=time,
                    place=place,
                    numbers=numbers,
                    status=reading.status,
                    negated=reading.negated,
                    attribution=attribution,
                    quoted=quoted,
                )
            )
    claims.sort(key=lambda c: (c.start, c.predicate_start or 0))
    for k, claim in enumerate(claims):
        claim.id = f"{article.id}:k{k}"
    return claims
