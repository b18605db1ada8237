"""Word lists the seeded publication is written from: fixed, so a seed always reads the same."""

from __future__ import annotations


def _words(text: str, separator: str | None = None) -> tuple[str, ...]:
    """A word list written as prose, one entry per whitespace-separated word (or per ``|``)."""
    return tuple(part.strip() for part in text.split(separator))


FIRST_NAMES = _words(
    "ada alan grace linus guido margaret barbara ken dennis bjarne edsger donald frances "
    "katherine radia john sophie hedy anita leslie tim vint whitfield shafi silvio niklaus "
    "tony robin jean susan carol mary joan ivan yukihiro rasmus larry brendan james anders "
    "rob russ david ward kent martin erich ralph richard judy sandi sarah maria lucia elena "
    "omar amira kofi aisha ravi priya chen mei hiro yuki sven ingrid lars nora pablo ines "
    "marco giulia pierre claire hans greta jonas lena mateo sofia diego carmen tariq zara"
)

LAST_NAMES = _words(
    "lovelace turing hopper torvalds rossum hamilton liskov thompson ritchie stroustrup "
    "dijkstra knuth allen johnson perlman mccarthy wilson lamarr borg lamport lee cerf diffie "
    "goldwasser micali wirth hoare milner sammet kare goldberg clarke hoover matsumoto "
    "lerdorf wall eich gosling hejlsberg pike cox cunningham beck fowler gamma johnson "
    "stallman metz okafor haddad mensah kapoor sharma wang tanaka sato lindqvist berg hansen "
    "garcia moreno rossi bianchi dubois martin schmidt muller weber novak kowalski silva "
    "costa santos ali khan nguyen park kim"
)

# Popular tags first: the first names in this list are drawn most often.
TAG_NAMES = _words(
    "programming javascript webdev python beginners tutorial react career productivity devops "
    "opensource rust typescript database postgresql css go testing security architecture "
    "linux docker kubernetes performance sql api node design html machinelearning cloud aws "
    "git vim sqlite mysql frontend backend algorithms datascience ai mobile android ios swift "
    "kotlin java csharp dotnet php ruby rails elixir haskell scala clojure functional "
    "concurrency networking distributed observability accessibility writing startup "
    "management remote hiring mentoring books history hardware embedded gamedev"
)

TAG_QUALIFIERS = _words(
    "advanced applied async modern practical serverless realtime legacy minimal scalable "
    "secure typed reactive portable mobile static streaming embedded visual incremental"
)

TOPICS = _words(
    "PostgreSQL|SQLite|MariaDB|Python|Rust|Go|TypeScript|JavaScript|Kubernetes|Docker|React|"
    "Vue|Svelte|FastAPI|Django|Flask|SQLAlchemy|Alembic|Redis|Kafka|GraphQL|REST APIs|"
    "WebAssembly|CSS Grid|Flexbox|Linux|Git|Vim|Terraform|Nginx|HTTP/2|TLS|OAuth|JWT|"
    "Markdown|Unicode|time zones|caching|indexes|migrations|unit tests|code review|"
    "pair programming|technical writing|open source|observability|logging|feature flags|"
    "continuous delivery|monorepos|type hints|async IO|message queues|full-text search|"
    "static sites|accessibility|dark mode|web fonts|service workers|edge functions",
    "|",
)

ADJECTIVES = _words(
    "practical simple humble gentle quick thorough modern boring reliable fast small "
    "surprising hidden pragmatic careful fearless lazy clean tiny complete friendly"
)

NOUNS = _words(
    "guide introduction checklist story lesson pattern mistake trick habit workflow setup "
    "approach toolkit playbook primer retrospective journey experiment"
)

VERBS = _words(
    "learned shipped broke rewrote tuned measured debugged migrated simplified tested "
    "deployed documented refactored benchmarked replaced automated"
)

TITLE_TEMPLATES = (
    "A {adjective} {noun} to {topic}",
    "How we {verb} our {topic} setup",
    "What I {verb} about {topic} this year",
    "{topic} for people in a hurry",
    "Ten {adjective} lessons from {topic}",
    "Why {topic} is {adjective} again",
    "The {adjective} way to start with {topic}",
    "{topic} and {other}: a {adjective} {noun}",
    "I {verb} {topic} so you do not have to",
    "Notes on {topic}, part {number}",
    "From {other} to {topic}: our {noun}",
    "Stop worrying about {topic}",
)


# Sentence parts: combined into a few thousand sentences once per seed, then drawn from.
OPENERS = _words(
    "In practice|Most of the time|As it turns out|On a busy day|After a few weeks|"
    "Looking back|For a small team|At scale|In our experience|Surprisingly|"
    "Before anything else|Once the tests pass|On a fresh machine|Under real load",
    "|",
)

SUBJECTS = _words(
    "the query planner|a good index|the deploy script|our test suite|the slow endpoint|"
    "every new hire|the connection pool|a single migration|the cache layer|the build|"
    "the error budget|this little function|the on-call rotation|the review checklist|"
    "a clear log line|the data model|the release train|the reading list",
    "|",
)

PREDICATES = _words(
    "does most of the work|saves more time than expected|needs a second look|"
    "pays for itself quickly|hides a subtle bug|deserves its own section|"
    "gets simpler with every release|keeps the pages fast|tells you what went wrong|"
    "is easier to explain than to build|should be measured before it is tuned|"
    "breaks in the most interesting ways|outlives the code around it|"
    "makes the next change safer|is worth writing down",
    "|",
)

TAILS = _words(
    "and nobody noticed|which surprised everyone|so we kept it|until it did not|"
    "if you let it|as long as you measure|for a while|in the end|at least on paper|"
    "once you see it|and that is fine|more than once",
    "|",
)

LIST_ITEMS = _words(
    "measure before you change anything|write the test first|keep the diff small|"
    "read the error message twice|name things after what they do|automate the boring part|"
    "log the decision, not the noise|prefer boring technology|delete dead code|"
    "ask for a review early|keep a changelog|pin your dependencies|back up, then restore|"
    "document the why|make it work, then make it fast|set a time limit",
    "|",
)

CODE_SNIPPETS = (
    ("python", "def total(items):\n    return sum(item.price for item in items)"),
    ("sql", "SELECT author_id, count(*)\nFROM articles\nGROUP BY author_id;"),
    ("sh", "pressroom db upgrade\npressroom serve --port 8000"),
    ("js", "const total = items.reduce((sum, item) => sum + item.price, 0);"),
    ("rust", "fn total(items: &[Item]) -> u64 {\n    items.iter().map(|i| i.price).sum()\n}"),
    ("go", "for _, item := range items {\n\ttotal += item.Price\n}"),
    ("css", ".page {\n  display: grid;\n  grid-template-columns: 1fr 3fr;\n}"),
    ("yaml", "services:\n  db:\n    image: postgres:16"),
)


BIO_PARTS = _words(
    "Writes about|Builds things with|Teaches|Maintains a small library for|"
    "Spends weekends on|Speaks at meetups about|Keeps notes on",
    "|",
)

COMMENT_PARTS = _words(
    "Great write-up, thanks!|This saved me an afternoon.|I would add one thing:|"
    "We hit the same problem last month.|Could you share the benchmark?|"
    "Clear and to the point.|Bookmarked for later.|Not sure I agree with the second part.|"
    "The code sample helped a lot.|Any plans for a follow-up?|This matches what we measured.|"
    "Nice, short and useful.",
    "|",
)
