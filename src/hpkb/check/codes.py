"""Every rule code a finding can carry: its area, what it finds and how to fix it."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["FINDING_CODES", "FindingCode", "finding_code"]


@dataclass(frozen=True)
class FindingCode:
    """One rule code: what it finds and how to fix it in general."""

    code: str  # "HP104"
    severity: str  # "error", "warning", or "error or warning" when both occur
    area: str  # the group title: one per hundred (HP0xx, HP1xx, ...)
    finds: str  # one plain-English sentence: what the rule finds
    fix: str  # one sentence: what the author (or administrator) does about it


_FILES = "Reading files and YAML"
_FIELDS = "Fields and schema"
_ENTRY = "Rules within an entry"
_REFS = "References across entries"
_BODY = "Body text and Markdown"
_TAXONOMY = "Taxonomy"
_GUARD = "Publication guard"
_SITE = "Site build"
_PACKS = "PDF packs"
_SETTINGS = "Settings and national hub"
_DEATHS = "Death records"

FINDING_CODES: tuple[FindingCode, ...] = (
    FindingCode("HP001", "error", _FILES,
                "A file cannot be read, or is not saved as UTF-8 text.",
                "Check that the file exists and can be opened, and save it as UTF-8."),
    FindingCode("HP002", "error", _FILES,
                "A file is larger than the 524,288-byte limit hpkb will read.",
                "Split it into smaller entries, or move attachments out of the text."),
    FindingCode("HP003", "error", _FILES,
                "An entry or template file or folder is a symbolic link, which hpkb never "
                "follows.",
                "Replace the link with the real file or folder."),
    FindingCode("HP004", "error", _FILES,
                "An entry file does not begin with a front-matter block (a first line `---`).",
                "Start the file with a line `---`, then the YAML fields, then another `---`."),
    FindingCode("HP005", "error", _FILES,
                "An entry's front matter is opened with `---` but never closed.",
                "Add a line `---` after the last front-matter field."),
    FindingCode("HP006", "error", _FILES,
                "YAML (front matter, a taxonomy file, packs.yml or mkdocs.yml) has a syntax "
                "error or characters that cannot be read.",
                "Check the indentation and quoting at the line shown, quote text that contains "
                "`: `, and remove control characters."),
    FindingCode("HP007", "error", _FILES,
                "The YAML uses an anchor (`&name`) or an alias (`*name`).",
                "Write the value out in full; anchors and aliases are not allowed."),
    FindingCode("HP008", "error", _FILES,
                "The YAML uses a tag such as `!!str`.",
                "Remove the tag and write a plain value, quoting text if needed."),
    FindingCode("HP009", "error", _FILES,
                "The same key appears twice in one block of YAML.",
                "Keep each key once: remove or merge the repeated one."),
    FindingCode("HP010", "error", _FILES,
                "An entry's front matter is not a set of `field: value` lines (for example, "
                "it is empty or a list).",
                "Write one `field: value` per line between the `---` lines."),
    FindingCode("HP011", "error", _FILES,
                "The YAML is nested too deeply (more than 24 levels).",
                "Flatten the structure; entries need only a few levels."),
    FindingCode("HP012", "error", _FILES,
                "A YAML key is not plain text (a complex key such as a list or a mapping).",
                "Write each key as plain text, as in `name: value`."),
    FindingCode("HP013", "error", _FILES,
                "The YAML holds more than one document (a second `---` separator).",
                "Keep a single YAML document: remove the extra `---` separator."),
    FindingCode("HP101", "error", _FIELDS,
                "A required field is missing, or a list that needs at least one value is empty.",
                "Add the field (the hint shows an example), or give it at least one value."),
    FindingCode("HP102", "error", _FIELDS,
                "A field name is not one the schema knows, often because of a typo.",
                "Correct the spelling as the hint suggests, or remove the field."),
    FindingCode("HP103", "error", _FIELDS,
                "A field has the wrong kind of value, such as text where a list, a number or "
                "true/false is expected.",
                "Write the kind of value the message names (`true` or `false`, not yes or no; "
                "quote numbers meant as text)."),
    FindingCode("HP104", "error", _FIELDS,
                "A field's value is not one of its allowed choices, including a security "
                "marking not written in capitals.",
                "Use one of the values the message lists, spelled exactly as shown."),
    FindingCode("HP105", "error", _FIELDS,
                "A date is not written YYYY-MM-DD, or is not a real calendar date.",
                "Write the date as YYYY-MM-DD, for example 2024-05-01."),
    FindingCode("HP107", "error", _FIELDS,
                "A value such as an entry id, an action id or an email address is not in the "
                "expected form.",
                "Follow the form the hint gives, such as RD-2024-007 for an entry or A01 for "
                "an action."),
    FindingCode("HP108", "error", _FIELDS,
                "A text field is longer than its character limit.",
                "Shorten it, and put the detail in the summary or the body."),
    FindingCode("HP109", "error", _FIELDS,
                "An entry's summary has more than three sentences.",
                "Keep the summary to one to three sentences and move the detail to the body."),
    FindingCode("HP110", "error", _FIELDS,
                "An entry is marked SECRET or TOP SECRET, which hpkb refuses to hold.",
                "Remove the file from the repository and handle it through the proper secure "
                "channel."),
    FindingCode("HP201", "error", _ENTRY,
                "An entry's id does not match its file name.",
                "Rename the file to the id followed by .md, or change the id to the file name."),
    FindingCode("HP202", "error", _ENTRY,
                "An entry's id is for one kind of entry (debrief, learning or practice) but the "
                "file is in another kind's folder.",
                "Move the file to the folder for its kind, or give it an id with the folder's "
                "prefix."),
    FindingCode("HP203", "error", _ENTRY,
                "An action's status is completed but it has no completion date.",
                "Add `completed: YYYY-MM-DD` to the action."),
    FindingCode("HP204", "error", _ENTRY,
                "An action has a completion date but its status is not completed.",
                "Set `status: completed`, or remove the `completed` date."),
    FindingCode("HP205", "error", _ENTRY,
                "An action is completed or dropped but has no outcome.",
                "Add an `outcome:` saying what was done, or why the action was dropped."),
    FindingCode("HP206", "error", _ENTRY,
                "An entry's `updated` date is before its `created` date.",
                "Set `updated` to the date of the last change."),
    FindingCode("HP207", "error", _ENTRY,
                "A public entry has no release decision (no `cleared` field).",
                "Add `cleared:` with the role that cleared it and the date, or make the "
                "audience shared or internal."),
    FindingCode("HP208", "error", _ENTRY,
                "An entry's body lacks a section its kind of entry requires.",
                "Add the `##` heading the message names, with the text under it."),
    FindingCode("HP209", "error", _ENTRY,
                "An `::: internal` passage is not properly opened and closed, the body uses "
                "an unknown `:::` fence, or a fence stands inside a block quote or list item.",
                "Close each `::: internal` passage with a line `:::`, and use no other `:::` "
                "fences."),
    FindingCode("HP210", "error", _ENTRY,
                "A debrief's process dates are out of order, such as a meeting dated before "
                "the incident.",
                "Check the two dates named: each step of a debrief follows the one before it."),
    FindingCode("HP211", "error", _ENTRY,
                "Two actions in the same entry have the same action id.",
                "Number the actions A01, A02 and so on, without repeats."),
    FindingCode("HP212", "warning", _ENTRY,
                "An entry is past its `review_by` date.",
                "Review the entry, then set `review_by` to the next review date and `updated` "
                "to today."),
    FindingCode("HP213", "error", _ENTRY,
                "An action's completion date is before the date it was raised.",
                "Check the completion date against the date the action was raised."),
    FindingCode("HP214", "error", _ENTRY,
                "An action's due date is before the date it was raised (its own date, else the "
                "debrief meeting, else the entry's creation).",
                "Check the due date and the date the action was raised."),
    FindingCode("HP215", "warning", _ENTRY,
                "A published entry shared beyond the force records no release decision.",
                "When its release is agreed, add a `cleared` field with `by` (the role that "
                "agreed it) and `on` (the date)."),
    FindingCode("HP216", "error", _ENTRY,
                "A missed opportunity names an answering action the debrief does not have.",
                "Name one of the debrief's action ids, or add the action."),
    FindingCode("HP217", "error", _ENTRY,
                "A debrief's `incident.primary_factor` is not among its `incident.factors`.",
                "Add the primary factor to `factors` too."),
    FindingCode("HP301", "error", _REFS,
                "Two entries use the same id.",
                "Give one of them a new id; `hpkb new` gives the next free one."),
    FindingCode("HP302", "error", _REFS,
                "An id listed under `related` names no existing entry.",
                "Correct the id (the hint suggests close matches), or create the entry first."),
    FindingCode("HP303", "error", _REFS,
                "A learning entry's `sources` lists something that is not a known debrief.",
                "List only the ids of existing debriefs (RD-...)."),
    FindingCode("HP304", "error", _REFS,
                "A [[...]] reference in the body is not an entry id, names no entry, or is in a "
                "free page, where links to entries are not allowed.",
                "Write [[RD-2024-007]] or [[RD-2024-007|link text]] with an existing id, and "
                "link to entries only from other entries."),
    FindingCode("HP305", "error", _REFS,
                "An entry or one of its actions names a theme that is not in the taxonomy.",
                "Use a known theme id, or add the theme to content/taxonomy/themes.yml."),
    FindingCode("HP306", "error", _REFS,
                "An entry names a recommendation that is not in the taxonomy.",
                "Use a known recommendation id, or add it to "
                "content/taxonomy/recommendations.yml."),
    FindingCode("HP307", "error", _REFS,
                "An entry's organisation is not in the taxonomy.",
                "Use a known organisation id, or add it to content/taxonomy/organisations.yml."),
    FindingCode("HP308", "warning", _REFS,
                "A tag is spelled almost the same as a more common tag on other entries.",
                "Use the common spelling so that the entries group together."),
    FindingCode("HP309", "error", _REFS,
                "An action's owner is not in content/taxonomy/owners.yml.",
                "Use an owner from the list, written exactly as there (the hint suggests close "
                "matches), or add the role or team to owners.yml."),
    FindingCode("HP310", "warning", _REFS,
                "An entry lists its own id under `related`.",
                "Remove the entry's own id from `related`."),
    FindingCode("HP311", "warning", _REFS,
                "A learning entry is held back from a profile without personal details because "
                "a debrief it draws on has live proceedings.",
                "Nothing to do now: it publishes once that debrief's `incident.proceedings` is "
                "no longer `live`."),
    FindingCode("HP312", "error", _REFS,
                "An action update (`hpkb action` or a row of `hpkb actions import`) names an "
                "entry or an action that does not exist, or a practice entry, which has no "
                "actions.",
                "Correct the id (the hint suggests close matches or lists the entry's actions); "
                "`hpkb actions` lists every action's id."),
    FindingCode("HP313", "error", _REFS,
                "A recommendation response names a recommendation that is not in the "
                "taxonomy, or its file is not named after its recommendation.",
                "Add the recommendation to recommendations.yml, and name the file "
                "content/responses/<recommendation id>.md."),
    FindingCode("HP314", "error", _REFS,
                "A recommendation response's `evidence` lists an id that names no entry.",
                "List existing entry ids."),
    FindingCode("HP401", "error", _BODY,
                "The body contains raw HTML the site does not publish: an element that can run "
                "code or load content (script, iframe, form), any element outside the allowed "
                "list, or a tag never closed, spread over lines, or holding Markdown.",
                "Remove the HTML and write the text in Markdown."),
    FindingCode("HP402", "error", _BODY,
                "The body contains an HTML attribute the site does not publish: an event "
                "handler (on...=) or another outside the allowed list.",
                "Remove the attribute; entries cannot carry scripts."),
    FindingCode("HP403", "error", _BODY,
                "The body contains an address with a scheme other than http, https and mailto "
                "(javascript:, vbscript:, data:, tel:, …).",
                "Link to an http(s) address or to another entry instead."),
    FindingCode("HP404", "error", _BODY,
                "The body contains a Markdown attribute list with an event handler (on...=).",
                "Remove the attribute list."),
    FindingCode("HP405", "error", _BODY,
                "The body contains an HTML comment, which would be published in the page "
                "source, or another declaration or processing instruction (<!, <?, </ ).",
                "Delete the comment, or put the note in an `::: internal` passage."),
    FindingCode("HP406", "error", _BODY,
                "The body contains a raw output-format block or marker (LaTeX, Typst or HTML) "
                "or a LaTeX command that reads or writes files.",
                "Remove it; entries are plain Markdown."),
    FindingCode("HP407", "error", _BODY,
                "A body line is over 4,000 characters long, lists, quotes or indentation nest "
                "more than 12 deep, emphasis or links more than 32, or the Markdown would take "
                "more than about a second to render (unclosed link openers and the like).",
                "Break the paragraph into shorter lines, close or remove the unclosed brackets, "
                "or nest less deeply."),
    FindingCode("HP408", "error", _BODY,
                "An image path points outside the repository (an absolute path, `..`, or an "
                "address with a scheme or host).",
                "Use a path inside the repository, or leave the image out."),
    FindingCode("HP501", "error", _TAXONOMY,
                "A taxonomy file (themes.yml, recommendations.yml or organisations.yml) is "
                "missing.",
                "Add the file under content/taxonomy/; `hpkb init` in an empty folder shows the "
                "expected files."),
    FindingCode("HP502", "error", _TAXONOMY,
                "A taxonomy file is not a list of items.",
                "Start each item with `- id:` and its id."),
    FindingCode("HP503", "error", _TAXONOMY,
                "The same id appears twice in one taxonomy file.",
                "Keep each id once in the file."),
    FindingCode("HP504", "error", _TAXONOMY,
                "A theme names a parent theme that does not exist.",
                "Use a known theme id as the parent, or add the parent theme to themes.yml."),
    FindingCode("HP601", "error", _GUARD,
                "Text that a profile without personal details would publish contains the name "
                "of a debrief subject (or, in a hub, a name in its register), in any spelling "
                "or disguise a reader would still read as the name, or the first name of a "
                "subject of a debrief the entry draws on.",
                "Remove the name: people are named only in a debrief's `subjects`, which never "
                "leaves the internal profile."),
    FindingCode("HP602", "error", _GUARD,
                "Text that a profile without personal details would publish looks like personal "
                "data, such as a phone number, postcode, NHS number or collar number.",
                "Remove or generalise it; if it is not personal data, an administrator adds the "
                "exact phrase to `extra: hpkb: allow:` in mkdocs.yml after review."),
    FindingCode("HP603", "error", _GUARD,
                "A built file contains a debrief subject's name, or the id or title of an entry "
                "the profile must not show.",
                "Report it: the build was not published, and the profile's view should have "
                "removed the text."),
    FindingCode("HP604", "error", _GUARD,
                "Text that a profile would publish gives the id (in any case or spelling) or the "
                "title of an entry that profile cannot see.",
                "Link the entry as [[ID]], which shows as plain text where it is hidden, or "
                "remove the id or title."),
    FindingCode("HP605", "error", _GUARD,
                "A PDF in the build cannot be read to check it, so it is not published.",
                "Run the build again; if it fails again, report it with the pack's definition."),
    FindingCode("HP701", "error", _SITE,
                "MkDocs reported a problem while rendering the site.",
                "A generated page or template is at fault: report it with the message."),
    FindingCode("HP702", "error", _SITE,
                "A built page contains an HTML element, attribute, script or address that is "
                "not allowed, in its content or anywhere in the theme around it.",
                "For the content, report it (validation should have refused it); outside the "
                "content area, fix the theme override in templates/site/."),
    FindingCode("HP703", "error", _SITE,
                "A template override has an error, reaches outside Jinja's sandbox, or is a "
                "file the theme would copy into the site unchecked.",
                "An administrator fixes the template override in templates/site/ at the line "
                "shown."),
    FindingCode("HP704", "warning", _SITE,
                "A file under the repository's templates/ is an unchanged copy of one of "
                "hpkb's own templates, so the repository will not receive fixes to it.",
                "Delete it (hpkb then uses its own), or run `hpkb templates --prune`."),
    FindingCode("HP801", "error", _PACKS,
                "content/packs.yml is not a list of packs.",
                "Start each pack with `- id:` and its id."),
    FindingCode("HP802", "error", _PACKS,
                "A pack definition reuses a pack id, names an unknown theme, recommendation or "
                "entry, has its `from` date after its `to` date, names an unknown `period`, or "
                "a financial year whose two years do not follow.",
                "Give each pack its own id, name only known themes, recommendations and "
                "entries, put `from` before `to`, and write periods as the guide shows "
                "(2024-25-Q4, last-financial-quarter)."),
    FindingCode("HP803", "error", _PACKS,
                "A PDF pack could not be typeset.",
                "Check the pack template override, or report the problem with the message."),
    FindingCode("HP804", "error", _PACKS,
                "A note in content/packs/ is named after no pack in packs.yml, or is a "
                "symbolic link.",
                "Name it <pack id>.md after a pack in packs.yml, or remove it."),
    FindingCode("HP901", "error or warning", _SETTINGS,
                "Settings in mkdocs.yml are not a set of fields (an error), or a hub build "
                "skipped a whole force's export that it could not use (a warning).",
                "Write mkdocs.yml as `field: value` settings; for a hub, give the force's "
                "build/shared/export folder, exported from the shared profile by a matching "
                "hpkb."),
    FindingCode("HP902", "error or warning", _SETTINGS,
                "The settings' `default_profile` names no defined profile (an error), or a hub "
                "build skipped one entry of a force's export (a warning).",
                "Name one of the defined profiles; for a hub entry, fix it in the force's "
                "repository and export again."),
    FindingCode("HP903", "warning", _SETTINGS,
                "A hub build found the same entry in two exports and kept the newer one.",
                "Drop the older export from the hub's sources."),
    FindingCode("HP904", "warning", _SETTINGS,
                "A hub build left out a malformed taxonomy item from an export, or found two "
                "forces defining one differently (the earlier definition is used).",
                "Export again with a current hpkb, and align the forces' taxonomy definitions."),
    FindingCode("HP905", "error", _SETTINGS,
                "A hub build has no usable source, so there is nothing to build.",
                "Name one or more forces' build/shared/export folders."),
    FindingCode("HP906", "error", _SETTINGS,
                "The force's `organisation` in mkdocs.yml is not an id in "
                "content/taxonomy/organisations.yml.",
                "Use the force's id from organisations.yml (the hint names the closest), or "
                "add the force there."),
    FindingCode("HP907", "error", _SETTINGS,
                "A profile's name in mkdocs.yml is not a lower-case id (it becomes the folder "
                "build/<profile>/).",
                "Name the profile with lower-case letters, digits and hyphens, starting with a "
                "letter."),
    FindingCode("HP1001", "error", _DEATHS,
                "A death-record file that is not UTF-8 CSV, a row with the wrong number of "
                "values, or a file that is a symbolic link.",
                "Save the file as CSV UTF-8, and quote values that hold a comma."),
    FindingCode("HP1002", "error", _DEATHS,
                "A death-record file with an unknown, repeated or missing (`ref`, `source`) "
                "column, or an empty file.",
                "Name the columns of the death-record contract in the header row."),
    FindingCode("HP1003", "error", _DEATHS,
                "A death record with a blank `ref` or `source`, or with no `died`, `found` or "
                "`reported` date.",
                "Fill in the reference, the organisation id and at least one date."),
    FindingCode("HP1004", "error", _DEATHS,
                "A date in a death record that is not written YYYY-MM-DD.",
                "Write the ISO date, or leave it blank when the source does not know it."),
    FindingCode("HP1005", "error", _DEATHS,
                "A value in a death record that is not in its column's list (location type, "
                "sex, category, investigation, coroner's outcome).",
                "Use one of the listed values."),
    FindingCode("HP1006", "error", _DEATHS,
                "A death record's `source` that is not an organisation in organisations.yml.",
                "Use the organisation's id, or add the organisation."),
    FindingCode("HP1007", "error", _DEATHS,
                "A `ref` used twice by one source of death records.",
                "Give each record of a source its own ref."),
    FindingCode("HP1008", "error", _DEATHS,
                "An easting or northing that is not a number of metres, lies outside Great "
                "Britain's grid, or is given without the other.",
                "Give both grid figures in metres, or neither."),
    FindingCode("HP1009", "error", _DEATHS,
                "Dates of a death record out of order (birth, death, found, reported) or in the "
                "future.",
                "Check the dates against the source record."),
    FindingCode("HP1010", "warning", _DEATHS,
                "A death record's age that does not fit its date of birth and date of death.",
                "Check the age and the date of birth."),
    FindingCode("HP1011", "error", _DEATHS,
                "An item of a death record's `people` that is not a `role: name` pair.",
                "Write `role: name` pairs separated by semicolons."),
    FindingCode("HP1012", "error", _DEATHS,
                "A death record's `debrief` that names no debrief in debriefs/.",
                "Name a rapid debrief that exists, or leave it blank."),
    FindingCode("HP1013", "error", _DEATHS,
                "A value in a death record longer than 2,000 characters.",
                "Keep records to short facts."),
    FindingCode("HP1014", "error", _DEATHS,
                "A malformed review in deaths/reviews.yml (a bad alert id or decision, a "
                "missing reason, an unknown field).",
                "Write `reviewed:` and `why:` under the alert's id."),
    FindingCode("HP1015", "warning", _DEATHS,
                "A review in deaths/reviews.yml of an alert the records no longer raise.",
                "Review the new alert, then remove the old review."),
    FindingCode("HP1016", "warning", _DEATHS,
                "A death-record file with errors, none of whose rows are loaded.",
                "Fix its errors: a file loads only when every row is right."),
)

_BY_CODE: dict[str, FindingCode] = {entry.code: entry for entry in FINDING_CODES}


def finding_code(code: str) -> FindingCode | None:
    """The catalogue entry for ``code`` (such as "HP104"), or None when there is none."""
    return _BY_CODE.get(code)
