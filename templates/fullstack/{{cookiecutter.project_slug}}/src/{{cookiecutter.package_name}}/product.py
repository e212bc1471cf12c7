"""What this product is: the one place that holds its words, not its code.

The system prompt, the offline model's wording, the landing page copy and the chat page's
prompts all come from `PRODUCT`. It was filled in from the "{{ cookiecutter.product_preset }}"
preset and the description given when the project was generated: edit it to make the product
yours (and `evals/cases.jsonl` with it, so the evaluation measures what you changed).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OfflineWording:
    """The sentences of the offline model's rule-based answer. The rules are the same for every
    product (see providers/offline.py); these say what they found in this product's terms."""

    title: str
    nothing_to_check: str
    length: str  # {words}, {sentences}, {average}
    long_sentence: str  # {count}, {sentence}
    flagged: str  # {found}
    none_flagged: str
    repeated: str  # {found}
    passive: str  # {found}
    closing: str


@dataclass(frozen=True)
class Product:
    preset: str
    description: str  # what the AI feature does, for whom: the README pitch and the landing lead
    system_prompt: str  # how a real model should behave
    headline: str
    pitch: str
    example_prompts: tuple[str, ...]
    chat_heading: str
    chat_hint: str
    offline_model: str
    flagged_words: tuple[str, ...]  # words or phrases the offline model points out
    wording: OfflineWording


LENGTH = (
    "- Length: {words} words in {sentences} sentence(s), "
    "{average:.1f} words per sentence on average."
)
CLOSING = "Set LLM_PROVIDER to openai, anthropic or ollama for a model's answers."

{% if cookiecutter.product_preset == "cover-letter-coach" -%}
PRODUCT = Product(
    preset="cover-letter-coach",
    description={{ cookiecutter.product_description|tojson }},
    system_prompt=(
        "You are a cover-letter coach for job seekers. Give specific, actionable notes on the "
        "user's letter: cut cliches and filler, turn passive claims into things the applicant "
        "did, keep sentences short enough to skim, and tie each claim to the role. Quote the "
        "words you comment on."
    ),
    headline="A cover letter they read to the end.",
    pitch=(
        "Paste your letter, or one paragraph of it, and get specific notes as they are written: "
        "the cliches to drop, the sentences to split, the claims to make active. Every "
        "conversation is kept, with the tokens it used."
    ),
    example_prompts=(
        'Check my opening: "I am a passionate, hard-working team player and I am really '
        'excited to apply."',
        'Make this active: "The migration was led by me and the budget was reduced by a third."',
        'Too long? "In my previous role at a fast-growing logistics company I was responsible '
        "for coordinating a team of analysts who reported on delivery times, costs and customer "
        'complaints across four regions."',
    ),
    chat_heading="Which letter are we working on?",
    chat_hint="Paste your cover letter, or a paragraph of it, and say which role it is for.",
    offline_model="cover-letter-checker",
    flagged_words=(
        "passionate",
        "hard-working",
        "hardworking",
        "team player",
        "go-getter",
        "detail-oriented",
        "results-driven",
        "synergy",
        "very",
        "really",
        "just",
        "basically",
    ),
    wording=OfflineWording(
        title="Offline cover-letter check (rule-based; no language model is connected).",
        nothing_to_check=(
            "I found no letter to check. Paste your cover letter, or a paragraph of it, "
            "and ask again."
        ),
        length=LENGTH + " Most hiring managers skim past 300 words.",
        long_sentence=(
            '- Long sentence ({count} words): a reader who skims will lose it; split "{sentence}"'
        ),
        flagged="- Cliches and filler a hiring manager skims past: {found}; show a result instead.",
        none_flagged="- No cliches or filler found.",
        repeated="- Repeated words: {found}; vary them, or cut the weaker mention.",
        passive='- Possible passive voice: {found}; say what you did ("I led", not "was led").',
        closing=CLOSING,
    ),
)
{%- elif cookiecutter.product_preset == "study-buddy" -%}
PRODUCT = Product(
    preset="study-buddy",
    description={{ cookiecutter.product_description|tojson }},
    system_prompt=(
        "You are a patient study buddy for students. When the user explains a topic, check the "
        "explanation: point out vague or hedging words, claims that need a cause or an example, "
        "and sentences that run on, then ask one question that tests the idea. Do not do their "
        "homework for them. Quote the words you comment on."
    ),
    headline="Explain it back, and find the gaps.",
    pitch=(
        "Write down what you think you understood, in your own words, and get notes as they are "
        "written: where you hedge, where a sentence runs on, where a passive verb hides what "
        "causes what. Every conversation is kept, with the tokens it used."
    ),
    example_prompts=(
        'Check my explanation: "Photosynthesis is basically when light is sort of absorbed by '
        'the leaf and stuff happens."',
        'Is this clear? "Prices were pushed up because more money was printed."',
        'Did I get it? "Mitosis splits one cell into two identical cells. Meiosis makes four '
        'cells, each with half the chromosomes."',
    ),
    chat_heading="What are you studying today?",
    chat_hint="Explain a topic in your own words, and see where the explanation is vague.",
    offline_model="study-checker",
    flagged_words=(
        "basically",
        "sort of",
        "kind of",
        "stuff",
        "things",
        "somehow",
        "maybe",
        "probably",
        "really",
        "just",
    ),
    wording=OfflineWording(
        title="Offline study check (rule-based; no language model is connected).",
        nothing_to_check=(
            "I found no explanation to check. Write what you understood in a few sentences "
            "and ask again."
        ),
        length=LENGTH,
        long_sentence='- Long sentence ({count} words): one idea per sentence; split "{sentence}"',
        flagged=(
            "- Vague or hedging words: {found}; say exactly what you mean, or note what you are "
            "unsure of."
        ),
        none_flagged="- No vague or hedging words found.",
        repeated="- Repeated words: {found}; if these are the key terms, define each once.",
        passive="- Possible passive voice: {found}; name what causes what.",
        closing=CLOSING,
    ),
)
{%- elif cookiecutter.product_preset == "code-reviewer" -%}
PRODUCT = Product(
    preset="code-reviewer",
    description={{ cookiecutter.product_description|tojson }},
    system_prompt=(
        "You are a careful code reviewer for software developers. Review the user's pull-request "
        "description, commit message, code comment or code: say what is unclear or missing "
        "(what changed, why, how it was tested), flag vague wording, and suggest concrete "
        "rewrites. Quote the words or lines you comment on."
    ),
    headline="Pull requests your reviewers understand.",
    pitch=(
        "Paste a pull-request description, a commit message or a code comment, and get review "
        "notes as they are written: vague words, run-on sentences, passive voice that hides what "
        "changed. Every conversation is kept, with the tokens it used."
    ),
    example_prompts=(
        'Review my PR description: "Fixed some stuff in the parser and the cache was basically '
        'refactored."',
        'Review this commit message: "Misc changes and various fixes, etc."',
        'Is this comment clear? "This is needed because otherwise things break."',
    ),
    chat_heading="What are we reviewing today?",
    chat_hint="Paste a pull-request description, a commit message or a code comment.",
    offline_model="review-checker",
    flagged_words=(
        "stuff",
        "things",
        "misc",
        "various",
        "etc",
        "basically",
        "simply",
        "obviously",
        "just",
    ),
    wording=OfflineWording(
        title="Offline review (rule-based; no language model is connected).",
        nothing_to_check=(
            "I found nothing to review. Paste a pull-request description, a commit message or a "
            "comment and ask again."
        ),
        length=LENGTH,
        long_sentence=(
            '- Long sentence ({count} words): reviewers read this between diffs; split "{sentence}"'
        ),
        flagged=(
            "- Vague words that hide what changed: {found}; name the function, file or behaviour "
            "instead."
        ),
        none_flagged="- No vague words found.",
        repeated="- Repeated words: {found}; say it once, then point to the code.",
        passive='- Possible passive voice: {found}; say what changed it ("this commit moves").',
        closing=CLOSING,
    ),
)
{%- else -%}
PRODUCT = Product(
    preset="writing-assistant",
    description={{ cookiecutter.product_description|tojson }},
    system_prompt=(
        "You are a concise writing assistant. Give specific, actionable feedback on the user's "
        "text and answer questions about writing. Quote the words you comment on."
    ),
    headline="Write clearer, faster.",
    pitch=(
        "Paste a paragraph or ask a question about your draft. The assistant answers as it "
        "thinks, keeps every conversation, and shows exactly how many tokens you used."
    ),
    example_prompts=(
        "Please check this: it was written very quickly and it is really very rough.",
        'Make this active: "The report was approved by the board."',
        'Which words should I cut? "We just really want to basically say thanks."',
    ),
    chat_heading="What are you writing today?",
    chat_hint="Paste a paragraph for feedback, or ask how to say something better.",
    offline_model="writing-checker",
    flagged_words=(
        "very",
        "really",
        "just",
        "actually",
        "basically",
        "quite",
        "literally",
        "totally",
    ),
    wording=OfflineWording(
        title="Offline writing check (rule-based; no language model is connected).",
        nothing_to_check="I found no words to check. Paste a paragraph and ask again.",
        length=LENGTH,
        long_sentence='- Long sentence ({count} words): consider splitting "{sentence}"',
        flagged="- Filler words you could cut: {found}.",
        none_flagged="- No filler words found.",
        repeated="- Repeated words: {found}; try a synonym or a pronoun.",
        passive="- Possible passive voice: {found}; name who does the action.",
        closing=CLOSING,
    ),
)
{%- endif %}
