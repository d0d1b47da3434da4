"""People: ``doc.spans["person"]``, each a foreign national, an official or another person.

Names come from the NER (``doc.ents`` PERSON) when present and from rules: initials with an
age ("ZL (35)"), capitalised words before an age, names after "bernama"/"berinisial"/"Nama :",
names after an official title or rank, signatory names above an NIP line and bylines, and the
rows and blocks of tables and forms. Unnamed groups come from counts ("tiga WNA asal
Vietnam", "puluhan WNA", "Malaysia sebanyak 11 orang"). An official is never a foreign
national: official rules and titles win over any nearby country, and a quoted one-word speaker
needs a foreigner cue of their own. ``doc._.nationalities`` holds the sorted ISO codes of
every citizenship the text attributes to foreigners, statistics and country lists included.

Three components run in order (``components.py``): ``pantau_people_candidates``,
``pantau_people_roles`` and ``pantau_people_spans``. The parts:

- ``cues.py``: the cue lists and the regexes built from them;
- ``context.py``: one document as the rules read it (``scopes.py``: sentence bounds;
  ``citizenship.py``: what each country mention says about citizenship);
- ``names.py``: what a name word is, where a name starts and ends, its clean form;
- candidate sources: ``officials.py`` (titles, ranks, signatures, appositions, bylines),
  ``named.py`` (fields, introducers, quotes, ages, initials, NER), ``lists.py`` (lists of
  initials), ``groups.py`` (counted groups, statistics, number words), ``records.py``
  (tables and forms); ``refine.py`` drops what is not a person; ``candidates.py`` runs them
  all and settles overlaps;
- ``roles.py``: foreign national, official or other, with ``countries.py`` (the citizenship
  cue nearest a candidate) and ``lists.py`` (one nationality shared by a list);
- ``nationalities.py``: the document's nationalities; ``passports.py``; ``refine.py``
  (aliases); ``output.py``: the spans and their extensions.
"""

from extractors.nlp.people.components import COMPONENTS
from extractors.nlp.people.groups import parse_number

__all__ = ["COMPONENTS", "parse_number"]
