"""Scenario files: reading them safely, the folder that holds them, ids, writing and editing them.

``parse`` reads text or bytes into a ``Scenario``; ``ids`` is the one rule for file names;
``folder`` is the cached ``Library``; ``write`` writes atomically; ``yaml_text`` renders YAML that
keeps its comments; ``fields`` orders fields as the model does; ``edit`` saves the editor's forms;
``councils`` and ``schema`` describe real councils and the file format; ``verdicts`` the usual words
of a result for each matter.
"""

from app.scenarios.edit import add_upload, duplicate, edit_problems, save_edit
from app.scenarios.fields import FORM_FIELDS, FORM_MEMBER_FIELDS, KEPT_FIELDS, MEMBER_FIELDS, SCENARIO_FIELDS
from app.scenarios.folder import Entry, Library, content_hash
from app.scenarios.ids import ID_PATTERN, SUFFIXES, check_id, id_message, id_problem, is_scenario_file, is_valid_id
from app.scenarios.parse import MAX_BYTES, MAX_DEPTH, decode, load_bytes, load_file, load_text, parse_text
from app.scenarios.schema import scenario_json_schema
from app.scenarios.write import write_atomically
from app.scenarios.yaml_text import render

__all__ = [
    "FORM_FIELDS",
    "FORM_MEMBER_FIELDS",
    "ID_PATTERN",
    "KEPT_FIELDS",
    "MAX_BYTES",
    "MAX_DEPTH",
    "MEMBER_FIELDS",
    "SCENARIO_FIELDS",
    "SUFFIXES",
    "Entry",
    "Library",
    "add_upload",
    "check_id",
    "content_hash",
    "decode",
    "duplicate",
    "edit_problems",
    "id_message",
    "id_problem",
    "is_scenario_file",
    "is_valid_id",
    "load_bytes",
    "load_file",
    "load_text",
    "parse_text",
    "render",
    "save_edit",
    "scenario_json_schema",
    "write_atomically",
]
