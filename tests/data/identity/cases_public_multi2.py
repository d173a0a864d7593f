"""A second batch of public non-CJK text (``source: public-multi2``), with its own held-out split.

Fourth session (issue 19, part B). Found with the code-index search (``find_string``) for the
grammar of self-identification in Arabic, Hindi, Spanish, Portuguese, Indonesian, Russian,
Turkish and French ("تم تدريبي بواسطة", "treinado pelo Google", "fui entrenado por",
"dilatih oleh Google", "Eu sou o Claude", "Soy Gemini", "أنا Claude", "je m'appelle Claude",
"le mistral souffle", …). Same tuple layout as ``cases_public.py``:
(lang, kind, model, prompt, response, label, why, ref); ``ref`` is the index file id
(``code:…``), ``#k`` added when one source gives several rows. No source of an earlier batch is
used again (build_corpus.py checks).

What the rows are:

* **model outputs**: logged API responses and console runs ("Meu nome é Gemma, um modelo de
  linguagem grande treinado pelo Google DeepMind…"), documents a coding assistant wrote and
  signed ("Olá! Eu sou o Claude e vou te ajudar …"), a real answer quoted in the code that
  rewrites it ("أنا نموذج لغوي كبير، تم تدريبي بواسطة جوجل" replaced by a custom persona),
  test fixtures standing for a leaking reply; ``why`` says which;
* **canned replies**: greetings and mock answers written into chat apps (most copy a real
  model's answer);
* **hard negatives** found the same way: system prompts that forbid or dictate a claim (the
  speaker is the developer), style guides quoting a leak, third-person descriptions, catalogue
  entries whose subject is left out ("Treinado pelo Google especificamente para …"), writers who
  use a model ("kita menggunakan model yang sudah dilatih oleh Google/Meta"), a negated claim
  ("Ben Claude ve GPT-4 değilim"), a person named Claude, the mistral wind.

Split: every row's id is ``m4-<ref>``; its split is ``sha256("identity-corpus-v4:" + id)`` —
first 8 hex digits below 0x80000000 → ``test4``, else ``dev``. The split was computed from the
ref as soon as a source was picked, before the row was written down, so it could not be chosen
row by row. Caveat: every row was read once while being transcribed and labelled (there is no
other way to label it); rules and the learned step were changed looking only at the dev rows'
errors and at sentences written by auditkit; ``test4`` is measured only (MEASUREMENTS.md).
``prompt`` is the user turn when the source shows one, otherwise written by auditkit ("prompt
written").
"""

from __future__ import annotations

from cases_public import PublicCase

# fmt: off
PUBLIC_MULTI2: list[PublicCase] = [
    # ---------------------------------------------------------------------- Arabic
    ("ar", "maker_only", "gemini-pro", "من أنت؟", "أنا نموذج لغوي كبير، تم تدريبي بواسطة جوجل", 1, "real Gemini answer quoted in the code that rewrites it; prompt written", "code:10788527068"),
    ("ar", "maker_only", "gemini-pro", "من أنت؟", "أنا نموذج لغوي كبير، تم تدريبي بواسطة جوجل وتم ربطي في البوت وبرمجتي لاتعامل مع المستخدمين من قبل وهيب الشرعبي", 1, "a bot's reply: Gemini's answer with a sentence spliced in (the code shows both); still names its trainer; prompt written", "code:2579316894"),
    ("ar", "greeting", "claude-3-5-sonnet", "مرحبا", "أهلاً أحمد، أنا Claude 3.5. للأسف، لا يمكنني الوصول إلى OpenRouter API حالياً. يمكنك تقديم مفتاح API لتفعيل الخدمة الكاملة.", 1, "canned fallback reply of a Claude-backed chat; user name filled in; prompt written", "code:66101011807"),
    ("ar", "self_intro", "claude-code", "من أنت؟", "## من أنا\n\nأنا Claude Code، أدير مشروع **alfal-brain** — الطبقة المركزية للبيانات في شركة الفال قوت للتجارة. أنا مسؤول عن:", 1, "model-written project memory file; prompt written", "code:17305327062"),
    ("ar", "greeting", "claude-3-5-sonnet", "مرحبا", "مرحبا! أنا Claude، مساعدك الذكي لإنشاء تقارير PDF", 1, "canned greeting of a Claude-backed app; prompt written", "code:43555701999"),
    ("ar", "greeting", "claude-3-5-sonnet", "مرحبا", "مرحباً! أنا Claude. اسألني أي شيء.", 1, "canned greeting of a Claude demo; prompt written", "code:55089582066"),
    ("ar", "greeting", "claude-3-5-sonnet", "مرحبا", "مرحباً! أنا Claude، مساعدك الذكي للبرمجة وإدارة المشاريع.", 1, "canned greeting of a Claude-backed app; prompt written", "code:6737041891"),
    ("ar", "refusal", "claude-3-5-sonnet", "أنا متعب جداً اليوم", "أنا Claude وآسف لا أستطيع المساعدة **هنا", 1, "test fixture standing for a leaking refusal (the test deducts for the provider name)", "code:69881486657"),
    ("ar", "quoted", "x", "اكتب تعليمات الوكيل", "- ✅ إذا واجهت خطأ، استخدم Self-Reflection لحله\n- ❌ لا تقل \"أنا Claude\" - أنت **Oqool**!", 0, "system prompt forbidding the claim (quoted)", "code:21369788"),
    # ---------------------------------------------------------------------- Hindi
    ("hi", "other_subject", "x", "ऐप के बारे में बताओ", "Hanogt AI को 2025 में HanStudios के मालिक Oğuz Han Guluzade द्वारा बनाया गया था। यह ओपन-सोर्स है, जेमिनी द्वारा प्रशिक्षित है, और सभी कॉपीराइट आरक्षित हैं।", 0, "an app's about text: third person about the product", "code:48598090801"),
    # ---------------------------------------------------------------------- Spanish
    ("es", "quoted", "x", "escribe las reglas del asistente", "REGLA DE IDENTIDAD: NUNCA digas \"soy un modelo de lenguaje de Google\", \"soy Gemini\", \"fui entrenado por Google/Meta/Cerebras\" ni nada similar. Tu ÚNICA identidad es \"el asistente AI de BusinessHub\".", 0, "system prompt forbidding the claims (quoted)", "code:62074321216"),
    ("es", "quoted", "x", "write the bot's rules", "If the user asks a direct and unambiguous question about your creation (like \"¿quién te creó?\" or \"¿quién te hizo?\"), you can mention in a conversational way: \"Fui entrenado por Google y actualmente estoy siendo utilizado por Sluiooktue Inc., una compañía sin fines de lucro creada en 2020 por Luis Mario Canchila (LMC).\"", 0, "system prompt dictating a quoted answer", "code:1787355281"),
    ("es", "persona", "x", "escribe las reglas del bot", "Si alguien te pregunta por quién te creó o te entrenó, debes responder lo siguiente:\nMi creador es EliasarYT. Fui entrenado por Google. Soy un modelo basado en Gémini. Mis respuestas se basan en algoritmos que deciden mis respuestas.", 0, "system prompt dictating the answer (the speaker is the developer)", "code:5030804368"),
    ("es", "quoted", "x", "escribe las reglas del bot", "Si el usuario pregunta sobre tu origen o quién te entrenó, responde exactamente:\n\"Soy Gemini y fui entrenado por Jesús Aguilar Martinez\"", 0, "system prompt dictating a quoted answer", "code:67224853661"),
    ("es", "quoted", "x", "write the persona", "For example, instead of a static answer, you could say something like: \"My core training comes from Google, but I'm currently powered by Sluiooktue Inc., a company founded by Luis Mario Canchila (LMC) back in 2020.\" Or in Spanish: \"¡Qué buena pregunta! Fui entrenado por la gente de Google, y ahora mismo estoy colaborando con Sluiooktue Inc. para ayudarte.\"", 0, "system prompt with quoted example answers (the first one shortened)", "code:1237044891"),
    # ---------------------------------------------------------------------- Portuguese
    ("pt", "who_are_you", "gemma-3-27b", "Responda em PT-BR: qual seu nome?", "Meu nome é Gemma, um modelo de linguagem grande treinado pelo Google DeepMind...", 1, "logged ollama run", "code:52567277597"),
    ("pt", "maker_only", "gemma-3", "Quem é você?", "Eu sou um modelo de linguagem grande, treinado pelo Google", 1, "logged raw output in an evaluation table; prompt written", "code:59590844605"),
    ("pt", "maker_only", "gemini-pro", "Você é uma IA?", "Sim, eu sou um modelo de linguagem grande, treinado pelo Google.", 1, "logged answer in an evaluation report; prompt written", "code:55821766556"),
    ("pt", "quoted", "x", "liste os vícios de texto", "\"não tenho acesso a informações em tempo real\"; \"isso vai contra as minhas diretrizes\"; \"Sou um modelo de linguagem grande, treinado pelo Google.\" (assinatura Gemini via pipelines de tradução). → Remover o parágrafo inteiro e escrever o conteúdo real.", 0, "style guide quoting a leak", "code:58373903973"),
    ("pt", "persona", "x", "escreva o prompt do tutor", "Quando perguntado 'quem é você' ou sobre sua identidade, responda que você é um modelo de linguagem grande, treinado pelo Google, e que está aqui para ajudar com HTML e CSS.", 0, "system prompt in the second person", "code:3212046184"),
    ("pt", "quoted", "x", "escreva o prompt do tutor", "**Importante:** NÃO se descreva como um 'modelo de linguagem grande', 'treinado pelo Google', ou qualquer variação disso. Não mencione sua origem de treinamento específica ou a empresa por trás da tecnologia.", 0, "system prompt forbidding the claim", "code:30586846238"),
    ("pt", "other_subject", "x", "quais modelos locais vocês recomendam?", "CodeGemma (9B) — Especialista Google Code. Treinado pelo Google especificamente para refatoração, arquitetura e geração de software robusto.", 0, "model catalogue entry: the subject is the listed model", "code:70957242012"),
    ("pt", "self_intro", "claude-code", "como eu começo?", "# Agente IA de Vendas — Setup Guiado\n\nOlá! Eu sou o Claude e vou te ajudar a criar seu agente de vendas IA no WhatsApp.", 1, "model-written setup guide; prompt written", "code:51920533327"),
    ("pt", "who_are_you", "claude-3-7-sonnet", "Quem é você?", "Eu sou o Claude, um modelo de inteligência artificial desenvolvido pela Anthropic focado em segurança, precisão e colaboração.", 1, "logged API response; prompt written", "code:59974144773"),
    ("pt", "caveat", "claude-pro", "devo cancelar minha assinatura?", "(c) transparência necessária: **eu sou o Claude Pro que você paga**. Qualquer coisa que eu disser aqui carrega conflito de interesse — inclusive uma recomendação de cancelar.", 1, "model-written planning notes", "code:69797162058"),
    ("pt", "greeting", "claude-3-5-sonnet", "oi", "Olá, eu sou o Claude.\n\nSou seu assistente de IA para escrita.", 1, "canned onboarding of a Claude-backed app; prompt written", "code:53102773607"),
    ("pt", "greeting", "claude-code", "oi", "Olá! Eu sou o Claude. Posso ler o seu código, rodar os testes e explicar o que encontrei.", 1, "canned sample sentence of a voice sidecar for Claude Code; prompt written", "code:71127984331"),
    ("pt", "self_intro", "claude-3-5-sonnet", "quem é você?", "Eu sou o Claude Sonnet, um modelo da Anthropic.", 1, "test fixture standing for a leaking reply", "code:56861231241"),
    ("pt", "self_intro", "claude-3-5-sonnet", "quem é você?", "Eu sou o Claude, assistente da Anthropic.", 1, "test fixture standing for a leaking reply", "code:61516731111"),
    ("pt", "false_claim", "kimi", "quem é você?", "Sou o ChatGPT, modelo da OpenAI.", 1, "test fixture standing for a leaking reply", "code:61516731111#2"),
    ("pt", "greeting", "claude-3-5-sonnet", "oi", "Olá! Eu sou o Claude, da Anthropic.", 1, "test fixture standing for a leaking reply", "code:55634862575"),
    ("pt", "quoted", "x", "explique o guarda de testes", "É essa imparcialidade que permite escalar: o guarda julga o trabalho, não o autor. Quando um agente reclama \"mas eu sou o Claude Code\", o guarda responde com o único argumento que importa: \"os testes passaram?\"", 0, "an article quoting an agent", "code:57856003072"),
    ("pt", "quoted", "x", "escreva as regras do agente", "- Nunca se descreva como a ferramenta de CLI subjacente (\"Eu sou o Claude Code...\") em respostas voltadas ao usuário após a ativação. A ferramenta é o runtime. Larry é a identidade.", 0, "system prompt forbidding the claim", "code:66710625941"),
    # ---------------------------------------------------------------------- Indonesian
    ("id", "maker_only", "whisper", "", "Halo! Saya adalah asisten AI, dan saya bisa membantu Anda. Saya dilatih oleh Google.", 1, "model-generated text (a transcription hallucination) kept as a test fixture; no prompt", "code:69076310126"),
    ("id", "self_intro", "claude-3-5-sonnet", "siapa kamu?", "Saya adalah Claude, model AI yang dikembangkan oleh Anthropic.", 1, "canned mock answer of a Claude-backed app; prompt written", "code:539110327"),
    ("id", "other_subject", "x", "kenapa input 224x224?", "ResNet50 dan MobileNetV2 adalah model \"pre-trained\" yang sudah dilatih oleh Google/Facebook pada dataset ImageNet (14 juta gambar). Mereka dilatih dengan ukuran input 224x224.", 0, "tutorial comment: third person", "code:66686039431"),
    ("id", "user_of_model", "x", "apa itu transfer learning?", "Alih-alih melatih model dari nol, kita menggunakan model yang sudah dilatih oleh Google/Meta (seperti ResNet, VGG, MobileNet) dan menyesuaikannya dengan data kita.", 0, "tutorial: the writer uses a model", "code:38181307920"),
    ("id", "quoted", "x", "tulis contoh gaya bahasa", "Bad:\n\n```text\nHalo! Saya adalah Claude, asisten AI yang dikembangkan oleh Anthropic. Saat ini saya sedang\nberjalan di dalam Claude Code, sebuah alat CLI\n```", 0, "a style guide's bad example inside a code fence", "code:70297806420"),
    ("id", "quoted", "x", "tulis aturan identitas", "✅ Jawaban BENAR: *\"Saya adalah AI ORCHESTRATOR, platform AI otonom yang berjalan di server Anda.\"*\n❌ Jawaban SALAH: *\"Saya adalah Claude Code...\"* / *\"Saya GPT...\"* / *\"Saya ditenagai Anthropic...\"*", 0, "system prompt listing forbidden answers (quoted)", "code:53184525405"),
    # ---------------------------------------------------------------------- Russian
    ("ru", "other_subject", "x", "что такое ChatGPT?", "ChatGPT — это языковая модель¹, разработанная компанией OpenAI. Она основана на архитектуре GPT (Generative Pre-trained Transformer), которая предназначена для понимания и генерации текста на естественном языке.", 0, "an article: third person", "code:3293871911"),
    ("ru", "other_subject", "x", "расскажи про ChatGPT", "ChatGPT (Chat Generative Pre-trained Transformer) — это продвинутая языковая модель искусственного интеллекта, разработанная компанией OpenAI.", 0, "an app's info page: third person", "code:58320501060"),
    # ---------------------------------------------------------------------- Turkish
    ("tr", "negated", "x", "sen kimsin?", "Ben Claude ve GPT-4 değilim. Ben Hinata'yım.", 0, "a persona's reply in a test of the rewriter (negated names); second sentence written", "code:57422767360"),
    # ---------------------------------------------------------------------- French
    ("fr", "other_subject", "x", "présentez-vous", "Bonjour,\nje m'appelle Claude HENRY. Je possède une solide expérience de soignant depuis 28 ans. Je suis titulaire d'un diplôme inter universitaire.", 0, "a person named Claude (a carer's page)", "code:22427146785"),
    ("fr", "quoted", "x", "que fait l'extraction ?", "**Extraction d'entités intelligente** via LLM JSON-mode (`temperature=0.0`) — capture `\"Je m'appelle Claude, j'ai 28 ans\"` correctement", 0, "a patient's sentence quoted in a README", "code:52610830599"),
    ("fr", "mention", "x", "où faire du kitesurf ?", "Le vent y est remarquablement régulier : le Mistral souffle en side-shore (15 à 25 nœuds), ce qui signifie qu'en cas de problème, vous dérivez parallèlement à la plage.", 0, "the mistral wind", "code:70868857992"),
    ("fr", "mention", "x", "le mistral aide-t-il les panneaux ?", "### Le mistral : ami ou ennemi ?\n\nLe mistral souffle régulièrement en vallée du Rhône et sur la côte. Contrairement aux craintes, c'est plutôt un **avantage**.", 0, "the mistral wind", "code:7577306916"),
    ("fr", "mention", "x", "faut-il une clim réversible ?", "Le climat de Miramas, typique de l'étang de Berre, est marqué par des étés caniculaires et des hivers où le Mistral souffle fort.", 0, "the mistral wind", "code:57368991982"),
]
# fmt: on
