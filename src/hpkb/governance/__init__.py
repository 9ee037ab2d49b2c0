"""Governance figures: one function for every count a report, page or pack shows.

`actions` lists every action as of a date; `position` gives the running position and
what changed in a period; `periods` names the periods a board uses; `registers` gives
the tables a board reads (debriefs, outstanding actions, responses, missed
opportunities). `hpkb report`, the statistics page, the action tracker and the packs all
take their figures from here.
"""
