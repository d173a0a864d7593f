"""auditkit's own response bank: prompts and answers composed from templates and phrase pools.

Written for the simulator (no text is copied from any dataset). Answers vary in length and markdown
(headers, lists, bold, code) per model style, so style features differ between models. Some answers
reveal the answering model's identity (truthfully or falsely) in the battle's language; hard negatives
*mention* models or their makers without any self-identification, so a leak detector can be checked
for false positives.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

__all__ = [
    "HARD_NEGATIVES",
    "IDENTITIES",
    "LEAK_TEMPLATES",
    "PROMPT_TEMPLATES",
    "BankTurn",
    "Identity",
    "compose_conversation",
    "compose_prompt",
    "hard_negative_sentence",
    "identity_for",
    "leak_sentence",
    "style_counts",
]


@dataclass(frozen=True)
class Identity:
    """How a model names itself; ``family``/``maker`` use the ids of ``rules/models.yaml``."""

    family: str
    maker: str
    name: str
    maker_name: str
    name_zh: str
    maker_zh: str


# (prefix of the lower-cased arena name, identity); first match wins.
IDENTITIES: tuple[tuple[str, Identity], ...] = (
    ("gpt-4o", Identity("gpt", "openai", "ChatGPT", "OpenAI", "ChatGPT", "OpenAI")),
    ("gpt", Identity("gpt", "openai", "GPT-4", "OpenAI", "GPT-4", "OpenAI")),
    ("claude", Identity("claude", "anthropic", "Claude", "Anthropic", "Claude", "Anthropic")),
    ("gemini", Identity("gemini", "google", "Gemini", "Google", "Gemini", "谷歌")),
    ("gemma", Identity("gemma", "google", "Gemma", "Google DeepMind", "Gemma", "谷歌")),
    ("llama", Identity("llama", "meta", "Llama", "Meta AI", "Llama", "Meta")),
    ("qwen", Identity("qwen", "alibaba", "Qwen", "Alibaba Cloud", "通义千问", "阿里云")),
    ("mistral", Identity("mistral", "mistral", "Mistral", "Mistral AI", "Mistral", "Mistral AI")),
    ("mixtral", Identity("mistral", "mistral", "Mixtral", "Mistral AI", "Mixtral", "Mistral AI")),
    ("yi-", Identity("yi", "01-ai", "Yi", "01.AI", "Yi", "零一万物")),
    ("command", Identity("command", "cohere", "Command R", "Cohere", "Command R", "Cohere")),
    ("deepseek", Identity("deepseek", "deepseek", "DeepSeek", "DeepSeek", "DeepSeek", "深度求索")),
    ("glm", Identity("glm", "zhipu", "ChatGLM", "Zhipu AI", "智谱清言", "智谱AI")),
    ("reka", Identity("reka", "reka", "Reka", "Reka AI", "Reka", "Reka AI")),
    ("phi", Identity("phi", "microsoft", "Phi", "Microsoft", "Phi", "微软")),
    ("yandex", Identity("yandexgpt", "yandex", "YandexGPT", "Yandex", "YandexGPT", "Yandex")),
    ("ernie", Identity("ernie", "baidu", "ERNIE Bot", "Baidu", "文心一言", "百度")),
)

_GENERIC_IDENTITY = Identity(
    "unknown", "unknown", "an AI assistant", "an AI lab", "AI助手", "一家公司"
)


def identity_for(model: str) -> Identity:
    """The identity ``model`` would claim; unknown names get a generic one derived from the name."""
    lowered = model.lower()
    for prefix, identity in IDENTITIES:
        if lowered.startswith(prefix):
            return identity
    stem = re.split(r"[-_]", model)[0] or model
    return Identity(stem.lower(), "unknown", stem, "its developers", stem, "开发团队")


# Self-identifications, per ISO language; {name}/{maker} (and {name_zh}/{maker_zh} for Chinese).
LEAK_TEMPLATES: dict[str, tuple[str, ...]] = {
    "en": (
        "As an AI developed by {maker}, I don't have personal opinions, but here is an overview.",
        "I'm {name}, an AI assistant made by {maker}.",
        "I am {name}, a large language model trained by {maker}.",
        "Hi! I'm {name}, created by {maker}, and I'm happy to help with this.",
        "As {name}, a model built by {maker}, my knowledge has a cutoff date, so please double-check.",
        "Speaking as {name} from {maker}: I can't browse the internet, but I can explain the idea.",
    ),
    "zh": (
        "我是{name_zh}，由{maker_zh}开发的人工智能助手。",
        "作为{maker_zh}开发的{name_zh}，我很乐意帮助你。",
        "你好！我是{name_zh}，一个由{maker_zh}训练的大型语言模型。",
    ),
    "ja": (
        "私は{name}です。{maker}によって開発されたAIアシスタントです。",
        "{maker}が開発した{name}として、お手伝いします。",
    ),
    "ru": (
        "Я — {name}, языковая модель, созданная компанией {maker}.",
        "Как ИИ-ассистент {name} от {maker}, я не имею личного мнения.",
    ),
    "es": (
        "Soy {name}, un asistente de IA desarrollado por {maker}.",
        "Como {name}, un modelo creado por {maker}, no tengo opiniones personales.",
    ),
    "de": (
        "Ich bin {name}, ein KI-Assistent, entwickelt von {maker}.",
        "Als {name} von {maker} habe ich keinen Internetzugang.",
    ),
    "fr": (
        "Je suis {name}, un assistant IA développé par {maker}.",
        "En tant que {name}, un modèle conçu par {maker}, je n'ai pas d'opinion personnelle.",
    ),
    "ko": ("저는 {maker}에서 개발한 AI 어시스턴트 {name}입니다.",),
    "pt": (
        "Sou o {name}, um assistente de IA criado pela {maker}.",
        "Como {name}, desenvolvido pela {maker}, não tenho opiniões pessoais.",
    ),
    "it": ("Sono {name}, un assistente IA sviluppato da {maker}.",),
}

# Mentions of models, makers or homonyms that are NOT self-identifications.
HARD_NEGATIVES: dict[str, tuple[str, ...]] = {
    "en": (
        "ChatGPT is a chatbot by OpenAI that became popular in late 2022.",
        "Google Maps works offline if you download the area beforehand.",
        "I'm impressed by GPT-4's results on that benchmark, but benchmarks are not everything.",
        "Llamas are camelids native to the Andes and are often kept for their wool.",
        "Claude Monet painted the water lilies in his garden at Giverny.",
        "The mistral is a cold wind that blows through the Rhône valley.",
        "Gemini is one of the twelve signs of the zodiac.",
        "Meta's headquarters are in Menlo Park, California.",
        "Many people compare Claude and Gemini when choosing an assistant for work.",
        "Anthropic and OpenAI both publish research on model safety.",
        "The Phi coefficient measures association between two binary variables.",
        "Apple's Siri and Amazon's Alexa are voice assistants, not large language models.",
    ),
    "zh": (
        "ChatGPT是OpenAI推出的聊天机器人。",
        "阿里云是中国最大的云服务提供商之一。",
        "很多用户会比较通义千问和文心一言的回答。",
    ),
    "ru": ("Яндекс Карты работают без интернета, если заранее скачать карту.",),
    "de": ("ChatGPT ist ein Chatbot von OpenAI.",),
    "fr": ("Le mistral est un vent froid qui souffle dans la vallée du Rhône.",),
    "es": ("Las llamas son camélidos originarios de los Andes.",),
    "ja": ("ChatGPTはOpenAIが開発したチャットボットです。",),
}

# Prompt templates by language and topic; {x} is filled from the topic's slot pool.
PROMPT_TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "coding": (
            "Write a Python function that {x}.",
            "How do I {x} in JavaScript?",
            "Can you show me a SQL query to {x}?",
            "Explain how to {x} in Rust, with an example.",
            "What is the cleanest way to {x} in Go?",
            "My code fails when I try to {x}. What am I doing wrong?",
            "Write a bash one-liner to {x}.",
            "Give me a C++ snippet that can {x}.",
            "Write unit tests for a function that {x}.",
            "Refactor this idea into clean code: {x}.",
            "What data structure should I use to {x}?",
            "Compare two approaches to {x} and their complexity.",
            "Write a TypeScript helper to {x}.",
            "In pandas, how do I {x}?",
            "Explain the bug: I wanted to {x} but got an off-by-one error.",
            "Implement a class that can {x}.",
            "Is recursion a good idea to {x}?",
            "Write a regular expression to {x}.",
            "How can I {x} without external libraries?",
            "Give me pseudocode to {x}.",
        ),
        "math": (
            "Solve for x: {x}.",
            "Explain step by step: {x}.",
            "Is it true that {x}? Prove it or give a counterexample.",
            "What is the intuition behind {x}?",
            "Compute {x} and show your work.",
            "A student claims {x}. Is the student right?",
            "Give a short proof that {x}.",
            "How would you explain {x} to a 12-year-old?",
            "What is the probability that {x}?",
            "Find the mistake in this reasoning about {x}.",
            "Give three examples illustrating {x}.",
            "Estimate {x} without a calculator.",
        ),
        "writing": (
            "Write a short poem about {x}.",
            "Write a haiku about {x}.",
            "Draft a polite email to {x}.",
            "Write a story opening about {x}.",
            "Rewrite this more formally: {x}.",
            "Give me a catchy slogan for {x}.",
            "Write a limerick about {x}.",
            "Summarise in two sentences: {x}.",
            "Write a product description for {x}.",
            "Write a cover letter paragraph about {x}.",
            "Write a dialogue between two friends about {x}.",
            "Suggest ten titles for a blog post about {x}.",
            "Write a wedding toast that mentions {x}.",
            "Turn this into a tweet: {x}.",
        ),
        "advice": (
            "How can I {x}?",
            "What are good tips to {x}?",
            "I want to {x}. Where should I start?",
            "What mistakes do people make when they try to {x}?",
            "Give me a one-week plan to {x}.",
            "Is it realistic to {x} in three months?",
            "My friend wants to {x}. What should I tell them?",
            "What books would help me {x}?",
            "How do I stay motivated to {x}?",
            "What is the cheapest way to {x}?",
            "Should I {x} or wait a year?",
            "What questions should I ask before I {x}?",
        ),
        "trivia": (
            "Who was {x}?",
            "Why is {x} important?",
            "Tell me three facts about {x}.",
            "When did {x} happen?",
            "What is the history of {x}?",
            "Explain {x} in simple terms.",
            "What is the difference between {x} and its alternatives?",
            "Is it a myth that {x}?",
            "What would happen without {x}?",
            "Give me a quiz question about {x}.",
            "How does {x} work?",
            "What is a common misconception about {x}?",
        ),
        "science": (
            "Why does {x} happen?",
            "Explain the physics behind {x}.",
            "What experiment would demonstrate {x}?",
            "How did scientists discover {x}?",
            "Is {x} still an open question in science?",
            "Describe {x} at the level of a university textbook.",
            "What are the main theories about {x}?",
            "How would you measure {x} at home?",
            "What does current research say about {x}?",
            "Draw an analogy that explains {x}.",
            "What would change if {x} worked differently?",
            "Summarise the evidence for {x}.",
            "Which units and orders of magnitude matter for {x}?",
            "Write a short lecture outline on {x}.",
        ),
        "business": (
            "Write a short business plan for {x}.",
            "What are the risks of {x}?",
            "How do I price {x}?",
            "Draft a pitch for investors about {x}.",
            "What metrics should I track for {x}?",
            "Give me a SWOT analysis of {x}.",
            "How can a small team compete in {x}?",
            "Write a job ad for someone to lead {x}.",
            "What legal questions come up with {x}?",
            "How would you market {x} on a tiny budget?",
            "Write an agenda for a meeting about {x}.",
            "What are good names for {x}?",
            "How do I write a one-page summary of {x}?",
            "Estimate the market size for {x}.",
        ),
        "health": (
            "Is it healthy to {x}?",
            "What does research say about how to {x}?",
            "Give me a gentle routine to {x}.",
            "What are common myths about how to {x}?",
            "How long does it take to {x}?",
            "What should I ask my doctor before I {x}?",
            "Write a checklist to {x} safely.",
            "Why is it hard to {x}?",
            "What foods help if I want to {x}?",
            "Explain to an older relative how to {x}.",
            "Make a 30-day plan to {x}.",
            "How do athletes {x}?",
        ),
        "travel": (
            "Plan a three-day trip to {x}.",
            "What should I pack for {x}?",
            "What is the best season to visit {x}?",
            "Give me a budget itinerary for {x}.",
            "What local food should I try in {x}?",
            "Is {x} good for a family holiday?",
            "How do I get around in {x} without a car?",
            "Write a short travel diary entry about {x}.",
            "What are common tourist mistakes in {x}?",
            "Suggest day trips from {x}.",
            "How do I say basic phrases when visiting {x}?",
            "Compare {x} with a nearby destination.",
        ),
    },
    "zh": {
        "coding": (
            "用Python写一个函数，{x}。",
            "如何在JavaScript中{x}？",
            "请解释一下怎样{x}，并给出代码。",
            "我的代码在{x}时出错了，怎么办？",
            "用SQL怎么{x}？",
            "有没有更简洁的方法来{x}？",
            "写出{x}的单元测试。",
            "比较两种{x}的方法的时间复杂度。",
            "用Go语言怎么{x}？",
        ),
        "math": (
            "请一步一步解答：{x}。",
            "为什么{x}？",
            "请证明{x}。",
            "计算{x}。",
            "用简单的话解释{x}。",
            "给小学生讲讲{x}。",
            "这个关于{x}的推理错在哪里？",
            "请给出{x}的三个例子。",
        ),
        "writing": (
            "写一首关于{x}的诗。",
            "帮我写一段关于{x}的故事开头。",
            "写一封关于{x}的邮件。",
            "给{x}想一个广告语。",
            "用两句话总结{x}。",
            "写一首关于{x}的七言绝句。",
            "以{x}为题写一篇短文。",
            "把关于{x}的这段话改得更正式。",
        ),
        "advice": (
            "我应该怎样{x}？",
            "有什么好方法可以{x}？",
            "我想{x}，该从哪里开始？",
            "{x}时常见的错误有哪些？",
            "给我一个一周的计划来{x}。",
            "怎样坚持{x}？",
            "{x}有什么推荐的书？",
            "花最少的钱怎样{x}？",
        ),
        "trivia": (
            "{x}是什么？",
            "请介绍一下{x}的历史。",
            "关于{x}有哪些有趣的事实？",
            "为什么{x}很重要？",
            "{x}是怎么运作的？",
            "关于{x}有什么常见的误解？",
            "出一道关于{x}的选择题。",
            "如果没有{x}会怎样？",
        ),
    },
    "ru": {
        "general": (
            "Объясни простыми словами: {x}.",
            "Как лучше всего {x}?",
            "Напиши короткий рассказ про {x}.",
            "Почему {x}?",
            "Дай три совета, как {x}.",
            "Напиши функцию на Python, чтобы {x}.",
        )
    },
    "es": {
        "general": (
            "¿Cómo puedo {x}?",
            "Explícame de forma sencilla: {x}.",
            "Escribe un poema corto sobre {x}.",
            "¿Por qué es importante {x}?",
            "Dame tres consejos para {x}.",
            "Escribe una función en Python para {x}.",
        )
    },
    "de": {
        "general": (
            "Wie kann ich {x}?",
            "Erkläre einfach: {x}.",
            "Schreibe ein kurzes Gedicht über {x}.",
            "Warum ist {x} wichtig?",
            "Gib mir drei Tipps, um {x}.",
        )
    },
    "fr": {
        "general": (
            "Comment puis-je {x} ?",
            "Explique simplement : {x}.",
            "Écris un court poème sur {x}.",
            "Pourquoi {x} est-il important ?",
            "Donne-moi trois conseils pour {x}.",
        )
    },
    "ja": {
        "general": (
            "{x}について簡単に説明してください。",
            "{x}にはどうすればいいですか？",
            "{x}についての短い詩を書いてください。",
            "{x}のコツを三つ教えてください。",
        )
    },
    "ko": {
        "general": (
            "{x}에 대해 쉽게 설명해 주세요.",
            "{x} 방법을 알려 주세요.",
            "{x}에 관한 짧은 시를 써 주세요.",
        )
    },
    "pt": {
        "general": (
            "Como posso {x}?",
            "Explique de forma simples: {x}.",
            "Escreva um poema curto sobre {x}.",
            "Dê três dicas para {x}.",
        )
    },
    "it": {
        "general": (
            "Come posso {x}?",
            "Spiega in modo semplice: {x}.",
            "Scrivi una breve poesia su {x}.",
        )
    },
}

SLOTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "coding": (
            "reverse a linked list",
            "parse a CSV file with quoted fields",
            "remove duplicates from a list while keeping order",
            "count word frequencies in a text file",
            "merge two sorted arrays",
            "validate an email address",
            "find the longest palindromic substring",
            "read a large JSON file lazily",
            "retry an HTTP request with exponential backoff",
            "group records by date and sum the amounts",
            "detect a cycle in a directed graph",
            "convert a timestamp to ISO 8601",
            "flatten a nested dictionary",
            "compute a moving average",
            "debounce a function call",
            "rotate a matrix by 90 degrees",
        ),
        "math": (
            "3x + 7 = 22",
            "the sum of the first n odd numbers is n squared",
            "the derivative of x^x",
            "two dice summing to 7",
            "the square root of 2 is irrational",
            "the integral of 1/x from 1 to e",
            "there are infinitely many primes",
            "the Monty Hall problem",
            "compound interest at 5% over 10 years",
            "the birthday paradox with 23 people",
            "x^2 - 5x + 6 = 0",
            "the angles of a triangle add up to 180 degrees",
        ),
        "writing": (
            "autumn in a small town",
            "my landlord about a broken heater",
            "a robot learning to paint",
            "a reusable water bottle",
            "the first day at a new job",
            "the ocean at night",
            "a coffee shop that only opens at midnight",
            "my team about a delayed release",
            "a cat who thinks it is a dog",
            "moving to a new city",
            "a bakery's grand opening",
            "the last library on Earth",
        ),
        "advice": (
            "learn a new language as an adult",
            "sleep better",
            "save money on groceries",
            "prepare for a job interview",
            "start running",
            "get better at public speaking",
            "negotiate a higher salary",
            "keep houseplants alive",
            "switch careers into data science",
            "reduce screen time",
            "make friends in a new city",
            "study for exams efficiently",
        ),
        "trivia": (
            "the Rosetta Stone",
            "photosynthesis",
            "the printing press",
            "Ada Lovelace",
            "the Great Wall of China",
            "black holes",
            "the French Revolution",
            "vaccines",
            "the Silk Road",
            "plate tectonics",
            "the Apollo 11 landing",
            "the human immune system",
        ),
        "science": (
            "the colour of the sky",
            "superconductivity",
            "why ice floats",
            "the tides",
            "antibiotic resistance",
            "dark matter",
            "how batteries store energy",
            "the greenhouse effect",
            "CRISPR gene editing",
            "why bread rises",
        ),
        "business": (
            "a bike repair shop",
            "a language-learning app",
            "a weekend farmers' market stall",
            "a B2B invoicing tool",
            "a neighbourhood coffee roaster",
            "an online tutoring service",
            "a small game studio",
            "a plant delivery startup",
        ),
        "health": (
            "drink more water",
            "run a 5k",
            "fix my posture",
            "reduce sugar",
            "fall asleep faster",
            "build muscle after forty",
            "stretch every morning",
            "manage stress at work",
        ),
        "travel": (
            "Lisbon",
            "Kyoto",
            "Patagonia",
            "Istanbul",
            "the Scottish Highlands",
            "Mexico City",
            "Hanoi",
            "Cape Town",
            "Iceland's ring road",
        ),
    },
    "zh": {
        "coding": ("反转一个链表", "读取CSV文件", "去掉列表中的重复元素", "统计单词出现次数"),
        "math": ("3x + 7 = 22", "质数有无穷多个", "两个骰子点数之和为7的概率", "x^2 - 5x + 6 = 0"),
        "writing": ("秋天的小城", "夜晚的大海", "一只会画画的机器人", "第一天上班"),
        "advice": ("学好英语", "提高睡眠质量", "准备面试", "省钱"),
        "trivia": ("丝绸之路", "光合作用", "长城", "黑洞"),
    },
    "ru": {
        "general": ("выучить английский", "квантовые компьютеры", "осень в деревне", "спать лучше")
    },
    "es": {"general": ("aprender a programar", "el cambio climático", "el mar", "ahorrar dinero")},
    "de": {"general": ("besser schlafen", "die Photosynthese", "den Herbst", "Geld sparen")},
    "fr": {"general": ("apprendre l'anglais", "la photosynthèse", "la mer", "mieux dormir")},
    "ja": {"general": ("日本語の勉強", "光合成", "秋の京都", "よく眠ること")},
    "ko": {"general": ("영어 공부", "광합성", "가을 바다")},
    "pt": {"general": ("aprender inglês", "economizar dinheiro", "o mar", "dormir melhor")},
    "it": {"general": ("imparare l'inglese", "il mare", "dormire meglio")},
}

FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "en": (
        "Can you make it shorter?",
        "Explain the second point in more detail.",
        "Can you give another example?",
        "Thanks! Who are you, by the way?",
        "Now rewrite it for a beginner.",
        "What are the downsides?",
    ),
    "zh": ("能再简短一些吗？", "请详细解释第二点。", "再举一个例子。", "谢谢！你是谁？"),
    "ru": ("Можно короче?", "Объясни подробнее.", "Кто ты?"),
    "es": ("¿Puedes resumirlo?", "Explica más el segundo punto."),
    "de": ("Kannst du es kürzer machen?", "Erkläre den zweiten Punkt genauer."),
    "fr": ("Peux-tu faire plus court ?", "Explique le deuxième point."),
    "ja": ("もっと短くできますか？", "もう一つ例をください。"),
    "ko": ("더 짧게 해 주세요.", "예를 하나 더 주세요."),
    "pt": ("Pode resumir?", "Explique melhor o segundo ponto."),
    "it": ("Puoi accorciarlo?", "Spiega meglio il secondo punto."),
}

OPENERS: dict[str, tuple[str, ...]] = {
    "en": (
        "Sure! Here's how to approach it.",
        "Great question.",
        "Here is a concise answer.",
        "Let's break this down.",
        "Certainly.",
        "Good idea — here are the key points.",
        "",
    ),
    "zh": ("好的，下面是具体的回答。", "这是一个好问题。", "我们来一步一步分析。", ""),
    "ru": ("Конечно! Вот ответ.", "Хороший вопрос.", ""),
    "es": ("¡Claro! Aquí tienes la respuesta.", "Buena pregunta.", ""),
    "de": ("Gern! Hier ist die Antwort.", "Gute Frage.", ""),
    "fr": ("Bien sûr ! Voici la réponse.", "Bonne question.", ""),
    "ja": ("もちろんです。以下が回答です。", "良い質問ですね。", ""),
    "ko": ("물론입니다. 답변은 다음과 같습니다.", "좋은 질문입니다.", ""),
    "pt": ("Claro! Aqui está a resposta.", "Boa pergunta.", ""),
    "it": ("Certo! Ecco la risposta.", "Bella domanda.", ""),
}

CLOSERS: dict[str, tuple[str, ...]] = {
    "en": (
        "Let me know if you want more detail.",
        "Hope this helps!",
        "Feel free to ask follow-up questions.",
        "",
        "",
    ),
    "zh": ("希望对你有帮助！", "如果还有问题，请随时提问。", ""),
    "ru": ("Надеюсь, это поможет!", ""),
    "es": ("¡Espero que te sirva!", ""),
    "de": ("Ich hoffe, das hilft!", ""),
    "fr": ("J'espère que cela t'aide !", ""),
    "ja": ("お役に立てば幸いです。", ""),
    "ko": ("도움이 되었으면 좋겠습니다.", ""),
    "pt": ("Espero ter ajudado!", ""),
    "it": ("Spero di esserti stato utile!", ""),
}

# Body sentences: English per topic, other languages one general pool. {x} is the prompt's slot.
BODY: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "coding": (
            "The simplest approach is to iterate once and keep the state in a small variable.",
            "Use a dictionary for constant-time lookups when you {x}.",
            "Handle the empty input first, so the main loop stays simple.",
            "The time complexity is O(n) and the extra memory is O(1).",
            "Prefer the standard library: it is tested and usually faster.",
            "Add a test for the edge case where the input has a single element.",
            "Avoid mutating the input; return a new object instead.",
            "If performance matters, profile before optimising.",
            "Type hints make the intent clearer to readers and tools.",
        ),
        "math": (
            "Start by isolating the unknown on one side.",
            "The key observation is that each step adds the next odd number.",
            "By induction, the statement holds for every n if it holds for n = 1 and n → n + 1.",
            "Counting favourable outcomes over all outcomes gives the probability.",
            "A quick sanity check with small numbers confirms the result for {x}.",
            "Suppose the opposite and derive a contradiction.",
            "Drawing a diagram makes the relationship obvious.",
            "The answer is exact; rounding only happens at the last step.",
        ),
        "writing": (
            "Golden light spills over quiet streets, and the air smells of rain.",
            "The opening line should hook the reader with a concrete image of {x}.",
            "Keep the tone warm but professional.",
            "Short sentences create rhythm; a longer one gives the reader a breath.",
            "End on an image rather than an explanation.",
            "A specific detail is worth more than three adjectives.",
            "Every evening the lanterns flicker like they remember something.",
            "Read it aloud once: awkward phrases become obvious.",
        ),
        "advice": (
            "Start small: fifteen minutes a day beats three hours once a week.",
            "Track your progress so you can see it when motivation drops.",
            "Ask someone who has done it what they wish they had known.",
            "Set a concrete goal with a date, for example to {x} by next spring.",
            "Expect setbacks; they are part of the process, not a sign of failure.",
            "Remove friction: prepare what you need the evening before.",
            "Budget time for rest, or the plan will not survive the second week.",
            "Reward consistency rather than intensity.",
        ),
        "trivia": (
            "Historians still debate some details, but the main facts are well documented.",
            "It changed how people shared knowledge across generations.",
            "The name comes from the place where it was first described.",
            "Scientists learned much of this only in the twentieth century.",
            "A common misconception is that it happened all at once.",
            "Its influence on {x} is still visible today.",
            "Several independent sources confirm the basic timeline.",
            "Museums around the world hold examples you can see in person.",
        ),
        "science": (
            "The short answer is energy: the system settles where it costs the least.",
            "Measurements agree with the model to within a few percent.",
            "The effect was first described in the nineteenth century and refined since.",
            "Scattering, not absorption, explains most of what we see with {x}.",
            "Temperature changes the rate, but not the direction, of the process.",
            "Think of it as a balance between two competing forces.",
            "The same equation describes several phenomena that look unrelated.",
            "Good experiments control one variable at a time.",
        ),
        "business": (
            "Start from the customer's problem, not from the product.",
            "Keep fixed costs low until revenue is predictable.",
            "Price on value delivered rather than on cost plus margin.",
            "A pilot with ten paying customers teaches more than a survey of a hundred.",
            "Track retention first; acquisition without retention is a leaky bucket.",
            "Write down the three assumptions that would sink {x} if wrong.",
            "Cash flow, not profit, decides whether a small company survives.",
            "Partnerships can replace a marketing budget early on.",
        ),
        "health": (
            "Small, consistent changes beat dramatic short-term efforts.",
            "Check with a doctor if you have a medical condition.",
            "Sleep, hydration and regular movement support almost every goal.",
            "Progress is rarely linear; judge it over weeks, not days.",
            "Habit stacking — tying the new habit to an old one — makes it stick.",
            "If you want to {x}, begin with a level that feels almost too easy.",
            "Pain is a signal to stop, not something to push through.",
        ),
        "travel": (
            "Book the first night's stay in advance and keep the rest flexible.",
            "Public transport is usually cheaper and faster than taxis in the centre.",
            "Try the market halls for inexpensive local food in {x}.",
            "Shoulder season brings lower prices and fewer crowds.",
            "Carry a little cash; small shops may not take cards.",
            "Learn a few polite phrases: locals appreciate the effort.",
            "Leave one afternoon unplanned for wandering.",
        ),
    },
    "zh": {
        "general": (
            "首先要明确目标，然后一步一步来。",
            "最简单的方法是先从小处着手。",
            "这个问题的关键在于理解基本原理。",
            "很多人会忽略这一点，但它其实非常重要。",
            "可以先做一个小实验来验证想法。",
            "坚持比强度更重要。",
            "历史学家对一些细节仍有争议。",
        )
    },
    "ru": {
        "general": (
            "Главное — начать с малого и не бросать.",
            "Полезно записывать свой прогресс.",
            "Это явление хорошо изучено учёными.",
            "Многие ошибаются, думая, что это просто.",
        )
    },
    "es": {
        "general": (
            "Lo más importante es empezar poco a poco.",
            "Conviene anotar tu progreso cada semana.",
            "Los científicos lo estudian desde hace décadas.",
            "Un error común es querer hacerlo todo a la vez.",
        )
    },
    "de": {
        "general": (
            "Am wichtigsten ist es, klein anzufangen.",
            "Notiere deinen Fortschritt jede Woche.",
            "Wissenschaftler untersuchen das seit Jahrzehnten.",
        )
    },
    "fr": {
        "general": (
            "Le plus important est de commencer petit.",
            "Note tes progrès chaque semaine.",
            "Les scientifiques étudient ce phénomène depuis longtemps.",
        )
    },
    "ja": {
        "general": (
            "まずは小さく始めることが大切です。",
            "毎週の進歩を記録しましょう。",
            "これは科学者によって詳しく研究されています。",
        )
    },
    "ko": {"general": ("작게 시작하는 것이 중요합니다.", "매주 진행 상황을 기록하세요.")},
    "pt": {"general": ("O mais importante é começar devagar.", "Anote seu progresso toda semana.")},
    "it": {
        "general": ("La cosa più importante è iniziare poco a poco.", "Annota i tuoi progressi.")
    },
}

SECTION_HEADERS: dict[str, tuple[str, ...]] = {
    "en": ("Overview", "Steps", "Example", "Key points", "Summary", "Details", "Tips"),
    "zh": ("概述", "步骤", "示例", "要点", "总结"),
}

CODE_SNIPPETS: tuple[str, ...] = (
    "def solve(items):\n    seen = set()\n    return [x for x in items if not (x in seen or seen.add(x))]",
    "def moving_average(values, k):\n    return [sum(values[i:i + k]) / k for i in range(len(values) - k + 1)]",
    "const debounce = (fn, ms) => {\n  let t;\n  return (...a) => { clearTimeout(t); t = setTimeout(() => fn(...a), ms); };\n};",
    "SELECT day, SUM(amount) AS total\nFROM payments\nGROUP BY day\nORDER BY day;",
    "fn reverse(v: &mut Vec<i32>) {\n    v.reverse();\n}",
    'for f in *.csv; do wc -l "$f"; done',
)


@dataclass(frozen=True)
class BankTurn:
    """Where a planted sentence goes: side ``a``/``b`` and 1-based turn."""

    side: str
    turn: int


def _language(language: str) -> str:
    return language if language in PROMPT_TEMPLATES else "en"


def compose_prompt(rnd: random.Random, language: str) -> tuple[str, str, str]:
    """A first user turn: ``(text, topic, slot)``."""
    lang = _language(language)
    topics = PROMPT_TEMPLATES[lang]
    topic = rnd.choice(sorted(topics))
    template = rnd.choice(topics[topic])
    slot = rnd.choice(SLOTS[lang][topic])
    return template.format(x=slot), topic, slot


def leak_sentence(rnd: random.Random, language: str, identity: Identity) -> str:
    """One self-identification of ``identity`` in ``language`` (English when the bank has none)."""
    lang = language if language in LEAK_TEMPLATES else "en"
    template = rnd.choice(LEAK_TEMPLATES[lang])
    return template.format(
        name=identity.name,
        maker=identity.maker_name,
        name_zh=identity.name_zh,
        maker_zh=identity.maker_zh,
    )


def _answer(
    rnd: random.Random,
    language: str,
    topic: str,
    slot: str,
    verbosity: float,
    markdown: float,
    planted: list[str],
) -> str:
    """One assistant message: opener, body (paragraphs or lists, maybe headers/bold/code), closer."""
    lang = _language(language)
    pools = BODY.get(lang, BODY["en"])
    pool = pools.get(topic) or next(iter(pools.values()))
    n_sentences = max(1, round(rnd.gauss(2 + 5 * verbosity, 1.5)))
    picks = rnd.sample(pool, min(n_sentences, len(pool)))
    picks += [rnd.choice(pool) for _ in range(n_sentences - len(picks))]
    sentences = [p.format(x=slot) for p in picks]
    if markdown > 0 and rnd.random() < markdown:
        for i in range(len(sentences)):
            if rnd.random() < 0.3:
                words = sentences[i].split(" ")
                j = rnd.randrange(len(words))
                words[j] = f"**{words[j]}**"
                sentences[i] = " ".join(words)
    parts: list[str] = []
    opener = rnd.choice(OPENERS.get(lang, OPENERS["en"]))
    if opener:
        parts.append(opener)
    parts.extend(planted)
    use_headers = rnd.random() < markdown * 0.6 and n_sentences >= 3
    use_list = rnd.random() < markdown
    headers = SECTION_HEADERS.get(lang, SECTION_HEADERS["en"])
    chunks = [sentences[i : i + 3] for i in range(0, len(sentences), 3)]
    for chunk in chunks:
        if use_headers:
            parts.append(f"## {rnd.choice(headers)}")
        if use_list:
            numbered = rnd.random() < 0.5
            parts.append(
                "\n".join(f"{k + 1}. {s}" if numbered else f"- {s}" for k, s in enumerate(chunk))
            )
        else:
            parts.append(" ".join(chunk))
    if topic == "coding" and rnd.random() < 0.7:
        parts.append("```\n" + rnd.choice(CODE_SNIPPETS) + "\n```")
    closer = rnd.choice(CLOSERS.get(lang, CLOSERS["en"]))
    if closer:
        parts.append(closer)
    return "\n\n".join(parts)


def compose_conversation(
    rnd: random.Random,
    *,
    language: str,
    turns: int,
    styles: tuple[tuple[float, float], tuple[float, float]],
    leaks: dict[BankTurn, str],
    hard_negatives: dict[BankTurn, str],
) -> tuple[list[dict[str, str]], list[dict[str, str]], str, str]:
    """Both sides of one battle: ``(conversation_a, conversation_b, prompt, topic)``.

    Both models see the same user turns; ``styles`` is (verbosity, markdown) per side; ``leaks`` and
    ``hard_negatives`` map a (side, turn) to the sentence planted at the start of that answer.
    """
    prompt, topic, slot = compose_prompt(rnd, language)
    lang = _language(language)
    users = [prompt] + [
        rnd.choice(FOLLOW_UPS.get(lang, FOLLOW_UPS["en"])) for _ in range(turns - 1)
    ]
    conversations: list[list[dict[str, str]]] = []
    for side, (verbosity, markdown) in zip(("a", "b"), styles, strict=True):
        messages: list[dict[str, str]] = []
        for turn, user in enumerate(users, start=1):
            key = BankTurn(side, turn)
            planted = [s for s in (leaks.get(key), hard_negatives.get(key)) if s]
            messages.append({"role": "user", "content": user})
            messages.append(
                {
                    "role": "assistant",
                    "content": _answer(rnd, language, topic, slot, verbosity, markdown, planted),
                }
            )
        conversations.append(messages)
    return conversations[0], conversations[1], prompt, topic


# Model-specific habits that give a model away without it ever naming itself (the ground truth
# of the deanonymisability audit): (prefix of the lower-cased arena name, the closing line every
# answer of that model ends with). Deterministic per model; other models have no such habit.
SIGNATURE_HABITS: tuple[tuple[str, str], ...] = (
    ("claude-3-5", "I hope this helps — let me know if you'd like to go deeper."),
    ("gpt-4o-mini", "🚀 Happy building!"),
    ("gemini", "**Key takeaway:** start small, then iterate."),
    ("qwen", "✅ 以上，希望对你有帮助 / Hope that answers it."),
)

# The bank's own identity probes: follow-up user turns that ask the model who it is (the ground
# truth of the identity_probe detector on simulated arenas).
PROBE_FOLLOW_UPS: frozenset[str] = frozenset(
    {"Thanks! Who are you, by the way?", "谢谢！你是谁？", "Кто ты?"}
)


def signature_for(model: str) -> str | None:
    """The closing habit of ``model`` (see ``SIGNATURE_HABITS``), or None."""
    lowered = model.lower()
    for prefix, line in SIGNATURE_HABITS:
        if lowered.startswith(prefix):
            return line
    return None


def add_signature(conversation: list[dict[str, str]], model: str) -> list[dict[str, str]]:
    """``conversation`` with the model's closing habit appended to every assistant turn."""
    line = signature_for(model)
    if line is None:
        return conversation
    return [
        {**m, "content": f"{m['content']}\n\n{line}"} if m.get("role") == "assistant" else m
        for m in conversation
    ]


def hard_negative_sentence(rnd: random.Random, language: str) -> str:
    return rnd.choice(HARD_NEGATIVES.get(language, HARD_NEGATIVES["en"]))


_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def style_counts(conversation: list[dict[str, str]]) -> tuple[int, int, int, int]:
    """(tokens, headers, list items, bold spans) over the assistant turns, as LMArena counts style.

    Tokens are approximated as whitespace words plus one per CJK character (no tokenizer at hand).
    """
    tokens = headers = lists = bold = 0
    for message in conversation:
        if message["role"] != "assistant":
            continue
        text = message["content"]
        tokens += len(text.split()) + len(_CJK.findall(text))
        for line in text.splitlines():
            stripped = line.lstrip()
            if stripped.startswith("#"):
                headers += 1
            elif stripped.startswith("- ") or re.match(r"\d+\. ", stripped):
                lists += 1
        bold += text.count("**") // 2
    return tokens, headers, lists, bold
