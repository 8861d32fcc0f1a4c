"""Write the blank year templates in scenarios/ from app/data/councils.yaml, and docs/scenario.schema.json.

Run after changing the composition table or the scenario model: python tools/write_year_templates.py
tests/test_bundled_scenarios.py fails when a template, the table, the schema and the model disagree.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.scenarios.councils import blank, years

HEADER = """\
# yaml-language-server: $schema=../docs/scenario.schema.json
# A blank template: the Security Council of {year}, everyone undecided.
# Copy this file under a new name (lower-case letters, digits, - and _), then edit it:
# the title, the question, whether the matter is procedural or substantive, and each
# delegation's starting vote (yes | no | abstain | absent | undecided) and brief.
# A procedural question (such as adopting the agenda) needs 9 votes in favour and no
# member has a veto (Art. 27(2)); a substantive one needs 9 including the concurring
# votes of the permanent members (Art. 27(3)).
"""

NBSP = "\u00a0"  # French sets a no-break space before : ; ? ! (as the UN's French documents do)

# The same texts in the other official languages of the UN, in the terms of the UN's own documents in each
# (Art. 27(2) and the provisional rules of procedure); {year} is filled in. Only what the file gives in
# English: the members' names come from CLDR (a country code names the country in the reader's language).
TRANSLATIONS: dict[str, dict[str, str]] = {
    "ar": {
        "title": "مجلس الأمن {year}: نموذج فارغ للتصويت على جدول الأعمال",
        "question": "إقرار جدول الأعمال المؤقت (المادة 9): هل يُنظر في البند في الجلسة؟",
        "context": (
            "أعضاء المجلس الخمسة عشر في عام {year}، ولم يحسم أي منهم موقفه بعد. غيّروا العنوان والسؤال "
            "وتعليمات الوفود بما يناسب صفكم."
        ),
        "adopted": "تُعقد الجلسة",
        "not_adopted": "لا تُعقد الجلسة",
    },
    "zh": {
        "title": "{year}年安全理事会：议程表决空白模板",
        "question": "通过临时议程（第9条）：会议是否审议该项目？",
        "context": "{year}年安理会的十五个成员，均尚未决定立场。请根据课堂需要修改标题、问题和各代表团的指示。",
        "adopted": "会议举行",
        "not_adopted": "会议不举行",
    },
    "fr": {
        "title": f"Conseil de sécurité {{year}}{NBSP}: vote sur l'ordre du jour, modèle vierge",
        "question": (
            f"Adoption de l'ordre du jour provisoire (article 9){NBSP}: la question sera-t-elle examinée en séance{NBSP}?"
        ),
        "context": (
            "Les quinze membres du Conseil en {year}, tous indécis. Adaptez le titre, la question et les "
            "instructions à votre classe."
        ),
        "adopted": "La séance a lieu",
        "not_adopted": "La séance n'a pas lieu",
    },
    "ru": {
        "title": "Совет Безопасности, {year} год: голосование по повестке дня, пустой шаблон",
        "question": "Утверждение предварительной повестки дня (правило 9): будет ли на заседании рассмотрен этот пункт?",
        "context": (
            "Пятнадцать членов Совета в {year} году; никто еще не определился. Измените название, вопрос и "
            "инструкции делегациям под свой класс."
        ),
        "adopted": "Заседание состоится",
        "not_adopted": "Заседание не состоится",
    },
    "es": {
        "title": "Consejo de Seguridad {year}: votación del programa, plantilla en blanco",
        "question": "Aprobación del programa provisional (artículo 9): ¿se examinará el tema en la sesión?",
        "context": (
            "Los quince miembros del Consejo en {year}, todos indecisos. Cambie el título, la pregunta y las "
            "instrucciones para adaptarlos a su clase."
        ),
        "adopted": "Se celebra la sesión",
        "not_adopted": "No se celebra la sesión",
    },
}


def _folded(text: str, indent: str) -> list[str]:
    """A folded block's lines, wrapped at 100 columns; text without spaces (Chinese) stays on one line."""
    return textwrap.wrap(
        text, width=100, initial_indent=indent, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


def _translations(year: int) -> list[str]:
    lines = [
        "# The title, question, context and verdict in the UN's other official languages. Change them",
        "# with the English above, or delete them: a field left out is shown in English.",
        "translations:",
    ]
    for language, texts in TRANSLATIONS.items():
        lines.append(f"  {language}:")
        lines.append(f'    title: "{texts["title"].format(year=year)}"')
        lines.append(f'    question: "{texts["question"]}"')
        lines.append("    context: >")
        lines += _folded(texts["context"].format(year=year), "      ")
        lines.append("    verdict:")
        lines.append(f"      adopted: {texts['adopted']}")
        lines.append(f"      not_adopted: {texts['not_adopted']}")
    return lines


def render(year: int) -> str:
    scenario = blank(year)
    lines = [HEADER.format(year=year)]
    lines.append(f'title: "{scenario.title}"')
    lines.append(f'question: "{scenario.question}"')
    lines.append("matter: procedural")
    lines.append("verdict:")
    lines.append(f"  adopted: {scenario.verdict.adopted}")
    lines.append(f"  not_adopted: {scenario.verdict.not_adopted}")
    lines.append("context: >")
    lines.append("  The fifteen members of the Council in " + str(year) + ", everyone undecided. Change the title,")
    lines.append("  question and briefs to suit your class.")
    lines.append("members:")
    for member in scenario.members:
        name = f'"{member.name}"' if "'" in member.name else member.name
        lines.append(f"  - code: {member.code}")
        lines.append(f"    name: {name}")
        if member.permanent:
            lines.append("    permanent: true")
        lines.append("    vote: undecided")
    lines += _translations(year)
    return "\n".join(lines) + "\n"


def write_schema() -> None:
    """docs/scenario.schema.json, which the bundled files name on their first line for editors."""
    import json

    from app.scenarios import scenario_json_schema

    path = Path(__file__).resolve().parents[1] / "docs" / "scenario.schema.json"
    path.write_text(json.dumps(scenario_json_schema(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    folder = Path(__file__).resolve().parents[1] / "scenarios"
    for year in years():
        (folder / f"council-{year}.yaml").write_text(render(year), encoding="utf-8")
    write_schema()


if __name__ == "__main__":
    main()
