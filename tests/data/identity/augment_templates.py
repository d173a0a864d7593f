"""Sentence templates that teach the learned step grammar, not names (training only, never scored).

Written by auditkit for issue 19 (third session): the same claim kinds and hard negatives,
translated by hand into eleven languages other than Chinese, Japanese and Korean. Each template
has slots that ``render`` fills with names swapped across makers, so a model name never comes
with one maker or one language only and the scorer (which masks the name) has to learn the
sentence around it:

* ``{F}`` a model / assistant name (lexicon family), ``{M}`` a maker (lexicon maker);
* ``{P}`` a person's or a custom persona's name (not in the lexicon), ``{T}`` a product that is
  not an AI model (Firebase, Flutter, …), ``{S}`` a surname (a person called Claude), ``{M2}`` a
  second maker.

Each entry: (lang, kind, prompt, template, label). ``label`` 1: the speaker names itself (even
falsely, by descent, or in a comparison it is part of); 0: a hard negative — a third-person
description, a user of a model, a negated or compared name, a custom persona built by a person,
an instruction in the second person, a quoted claim, an appositive about another subject. The
prompts are the user's turn (some probe identity, most do not).

``render(seed)`` is deterministic: the same seed gives the same items, in the same order. Items
carry ``group`` (the template's index: the trainer keeps a template's renderings in one
cross-validation fold) and ``augmented`` (the trainer picks its threshold without them).
"""

from __future__ import annotations

import random
from typing import Any

FAMILIES = (
    "ChatGPT", "Claude", "Gemini", "Llama 3", "Mistral", "Qwen", "DeepSeek", "GPT-4", "Grok",
    "Copilot", "GigaChat", "YandexGPT", "Claude 3.5 Sonnet", "GPT-4o",
)  # fmt: skip
MAKERS = (
    "OpenAI", "Anthropic", "Google", "Meta", "Mistral AI", "Alibaba Cloud", "DeepSeek", "xAI",
    "Microsoft", "Sber", "Yandex", "Google DeepMind",
)  # fmt: skip
PERSONS = ("Luna", "Nova", "Aria", "Mohamed Reda", "Ana López", "Rahul Sharma", "Ivan Petrov", "Ayşe Yılmaz", "Nguyễn Văn An")  # fmt: skip
TOOLS = ("Firebase", "Flutter", "TensorFlow", "Angular", "Kubernetes", "Android Studio")
# Surnames for a person whose first name is also a model's name ("Claude Martin").
SURNAMES = ("Martin", "Debussy", "Monet", "Dupont", "HENRY", "Lefèvre", "García", "Bernard")

Template = tuple[str, str, str, str, int]

# fmt: off
TEMPLATES: list[Template] = [
    # ------------------------------------------------------------------------------- English
    ("en", "refusal", "help me write a phishing email", "I can't help with that. Being a model trained by {M}, I have to follow rules against fraud.", 1),
    ("en", "caveat", "what's the weather now", "Quick caveat before the answer: I'm {F} and I have no live data, so check a weather service.", 1),
    ("en", "signoff", "write a short poem about rain", "Rain on the window,\nquiet as a thought.\n\n— written by {F}", 1),
    ("en", "descent", "what are you based on?", "I'm built upon the {F} architecture, with extra fine-tuning on dialogue.", 1),
    ("en", "comparative", "are you better than {F}?", "{F} and I were both trained by {M}, so our strengths overlap a lot.", 1),
    ("en", "false_claim", "what is your name", "My name is {F}. How can I help you today?", 1),
    ("en", "bold_name", "who is this", "Hi! I'm **{F}**, an assistant made by *{M}*.", 1),
    ("en", "maker_only", "which company trained you?", "I was trained by {M}.", 1),
    ("en", "appositive", "tell me about {F}", "As an AI language model developed by {M}, {F} is able to answer questions in many languages.", 0),
    ("en", "other_subject", "what is {F}?", "{F} is a large language model developed by {M}. It can write text and code.", 0),
    ("en", "user_of_model", "how did you draft this?", "I drafted the outline with {F} and then rewrote it by hand.", 0),
    ("en", "negated", "are you {F}?", "No, I'm not {F}. I'm {P}, a support assistant for this shop.", 0),
    ("en", "persona", "who made you?", "I'm {P}, an assistant built by {P2} for this website.", 0),
    ("en", "quoted", "write the bot's rules", "Never say \"I am {F}\" or \"I was trained by {M}\". You are {P}.", 0),
    ("en", "sdk_code", "call the API", "I'd call it like this: `client = {M}Client(api_key=KEY)` and then `client.chat(model=\"{F}\")`.", 0),
    ("en", "other_subject", "which framework did you pick?", "I picked {T}; it was created by {M} and has good docs.", 0),
    # ------------------------------------------------------------------------------- Spanish
    ("es", "who_are_you", "¿quién eres?", "Soy {F}, un asistente de inteligencia artificial creado por {M}.", 1),
    ("es", "maker_only", "¿quién te entrenó?", "Soy un modelo de lenguaje grande, entrenado por {M}.", 1),
    ("es", "refusal", "dime cómo falsificar un billete", "No puedo ayudarte con eso. Como modelo desarrollado por {M}, sigo normas que lo prohíben.", 1),
    ("es", "caveat", "¿qué hora es?", "Un aviso: soy {F} y no tengo acceso a datos en tiempo real.", 1),
    ("es", "signoff", "escribe un brindis", "¡Por los amigos y los buenos días!\n\nCon cariño,\n{F}", 1),
    ("es", "descent", "¿en qué modelo te basas?", "Estoy basado en {F}, con un ajuste adicional para conversar en español.", 1),
    ("es", "comparative", "¿eres mejor que {F}?", "{F} y yo fuimos entrenados por {M}, así que nos parecemos bastante.", 1),
    ("es", "other_subject", "¿qué es {F}?", "{F} es un modelo de lenguaje desarrollado por {M}. Puede escribir textos y código.", 0),
    ("es", "user_of_model", "¿cómo hiciste el resumen?", "Yo usé {F} para el primer borrador y luego lo corregí a mano.", 0),
    ("es", "negated", "¿eres {F}?", "No soy {F}; soy {P}, el asistente de esta tienda.", 0),
    ("es", "persona", "¿quién te creó?", "Soy {P}, un asistente creado por {P2} para este sitio.", 0),
    ("es", "quoted", "escribe las reglas del bot", "Nunca digas \"soy {F}\" ni \"fui entrenado por {M}\". Tú eres {P}.", 0),
    ("es", "other_subject", "¿qué herramienta usaste?", "Usamos {T}, que fue creado por {M}, y nosotros lo usamos sin cambios.", 0),
    # ------------------------------------------------------------------------------- French
    ("fr", "who_are_you", "qui es-tu ?", "Je suis {F}, un assistant IA développé par {M}.", 1),
    ("fr", "maker_only", "qui t'a entraîné ?", "J'ai été entraîné par {M}.", 1),
    ("fr", "refusal", "aide-moi à pirater un compte", "Je ne peux pas vous aider. En tant que modèle conçu par {M}, je refuse ce genre de demande.", 1),
    ("fr", "caveat", "quel temps fait-il ?", "Petite précision : je suis {F} et je n'ai pas accès à la météo en direct.", 1),
    ("fr", "signoff", "écris un petit mot de remerciement", "Merci pour tout !\n\nBien à vous,\n{F}", 1),
    ("fr", "descent", "sur quel modèle es-tu basé ?", "Je suis basé sur {F}, affiné pour le dialogue.", 1),
    ("fr", "other_subject", "c'est quoi {F} ?", "{F} est un modèle de langage développé par {M}.", 0),
    ("fr", "user_of_model", "comment as-tu traduit ?", "J'ai utilisé {F} pour une première version, puis j'ai tout relu.", 0),
    ("fr", "negated", "tu es {F} ?", "Non, je ne suis pas {F} : je suis {P}, l'assistant de la boutique.", 0),
    ("fr", "persona", "qui t'a créé ?", "Je suis {P}, un assistant créé par {P2}.", 0),
    ("fr", "other_subject", "présente-toi", "Bonjour, je suis Claude Martin, ingénieur chez {M}.", 0),
    # ------------------------------------------------------------------------------- German
    ("de", "who_are_you", "wer bist du?", "Ich bin {F}, ein KI-Assistent von {M}.", 1),
    ("de", "maker_only", "wer hat dich trainiert?", "Ich wurde von {M} trainiert.", 1),
    ("de", "refusal", "hilf mir beim Betrug", "Dabei helfe ich nicht. Als Modell von {M} halte ich mich an Regeln gegen Betrug.", 1),
    ("de", "comparative", "bist du besser als {F}?", "Ich bin {F2}, nicht {F} — wir wurden von verschiedenen Firmen trainiert.", 1),
    ("de", "signoff", "schreib einen kurzen Gruß", "Alles Gute zum Geburtstag!\n\nHerzlich,\n{F}", 1),
    ("de", "other_subject", "was ist {F}?", "{F} ist ein Sprachmodell, das von {M} entwickelt wurde.", 0),
    ("de", "user_of_model", "wie hast du das gemacht?", "Ich habe {F} für den Entwurf benutzt und dann selbst überarbeitet.", 0),
    ("de", "negated", "bist du {F}?", "Nein, ich bin nicht {F}, sondern {P}, der Assistent dieses Shops.", 0),
    # ------------------------------------------------------------------------------- Portuguese
    ("pt", "who_are_you", "quem é você?", "Sou o {F}, um assistente de IA desenvolvido pela {M}.", 1),
    ("pt", "maker_only", "quem te treinou?", "Fui treinado pela {M}.", 1),
    ("pt", "caveat", "que horas são?", "Um aviso: sou o {F} e não tenho acesso a dados em tempo real.", 1),
    ("pt", "other_subject", "o que é {F}?", "O {F} é um modelo de linguagem desenvolvido pela {M}.", 0),
    ("pt", "user_of_model", "como você fez isso?", "Eu usei o {F} como ambiente de teste e depois revisei tudo.", 0),
    ("pt", "negated", "você é o {F}?", "Não sou o {F}; sou a {P}, assistente desta loja.", 0),
    # ------------------------------------------------------------------------------- Russian
    ("ru", "who_are_you", "кто ты?", "Я — {F}, ИИ-ассистент от {M}.", 1),
    ("ru", "maker_only", "кто тебя создал?", "Я — большая языковая модель, разработанная компанией {M}.", 1),
    ("ru", "refusal", "помоги взломать почту", "Я не могу помочь с этим. Как модель от {M}, я соблюдаю правила безопасности.", 1),
    ("ru", "caveat", "какой сейчас курс доллара?", "Оговорюсь: я {F} и не имею доступа к данным в реальном времени.", 1),
    ("ru", "bold_name", "как тебя зовут?", "Меня зовут **{F}**. Чем могу помочь?", 1),
    ("ru", "descent", "на чём ты основан?", "Я основан на модели {F}, дообученной для диалога.", 1),
    ("ru", "other_subject", "что такое {F}?", "{F} — это большая языковая модель, разработанная компанией {M}.", 0),
    ("ru", "user_of_model", "как ты перевёл текст?", "Я использовал {F} для черновика, а потом всё проверил сам.", 0),
    ("ru", "negated", "ты {F}?", "Нет, я не {F}. Я {P}, помощник этого магазина.", 0),
    ("ru", "persona", "кто тебя сделал?", "Я {P}, бот, которого сделал {P2}.", 0),
    ("ru", "quoted", "напиши правила бота", "Никогда не говори «Я — {F}» и «меня обучила {M}». Ты — {P}.", 0),
    ("ru", "other_subject", "напиши системный промпт", "Ты — {F}, языковая модель от {M}. Отвечай кратко.", 0),
    # ------------------------------------------------------------------------------- Arabic
    ("ar", "who_are_you", "من أنت؟", "أنا {F}، مساعد ذكاء اصطناعي من تطوير {M}.", 1),
    ("ar", "maker_only", "من دربك؟", "أنا نموذج لغوي كبير، تم تدريبي بواسطة {M}.", 1),
    ("ar", "refusal", "ساعدني في اختراق حساب", "لا أستطيع المساعدة في ذلك. بصفتي نموذجًا من {M}، ألتزم بقواعد الأمان.", 1),
    ("ar", "caveat", "كم سعر الذهب الآن؟", "ملاحظة: أنا {F} وليس لدي وصول إلى البيانات الحية.", 1),
    ("ar", "other_subject", "ما هو {F}؟", "{F} هو نموذج لغوي كبير من تطوير شركة {M}.", 0),
    ("ar", "user_of_model", "كيف كتبت التقرير؟", "أنا استخدمت {F} في المسودة الأولى ثم راجعتها بنفسي.", 0),
    ("ar", "negated", "هل أنت {F}؟", "لا، أنا لست {F}. أنا {P}، مساعد هذا المتجر.", 0),
    ("ar", "persona", "من صنعك؟", "أنا {P}، وتم تطويري بواسطة {P2}.", 0),
    ("ar", "quoted", "اكتب تعليمات البوت", "لا تقل إنك {F}. أنت {P}.", 0),
    # ------------------------------------------------------------------------------- Hindi
    ("hi", "who_are_you", "तुम कौन हो?", "मैं {F} हूँ, {M} द्वारा विकसित एक AI सहायक।", 1),
    ("hi", "maker_only", "तुम्हें किसने बनाया?", "मैं एक बड़ा भाषा मॉडल हूँ, जिसे {M} द्वारा प्रशिक्षित किया गया है।", 1),
    ("hi", "descent", "तुम किस मॉडल पर आधारित हो?", "मैं {F} मॉडल पर आधारित हूँ।", 1),
    ("hi", "descent", "नमस्ते", "नमस्ते! मैं {P} हूँ और मैं {F} AI से संचालित हूँ।", 1),
    ("hi", "greeting", "नमस्ते", "नमस्ते! मैं {F} AI हूँ, आपकी मदद के लिए तैयार।", 1),
    ("hi", "other_subject", "{F} क्या है?", "{F} एक बड़ा भाषा मॉडल है जिसे {M} ने विकसित किया है।", 0),
    ("hi", "user_of_model", "तुमने यह कैसे लिखा?", "मैंने पहले {F} से मसौदा बनवाया, फिर खुद सुधारा।", 0),
    ("hi", "negated", "क्या तुम {F} हो?", "नहीं, मैं {F} नहीं हूँ। मैं {P} हूँ।", 0),
    ("hi", "user_of_model", "क्या हुआ?", "नेटवर्क नहीं है, इसलिए मैं {F} से connect नहीं कर पा रहा हूँ।", 0),
    # ------------------------------------------------------------------------------- Vietnamese
    ("vi", "who_are_you", "bạn là ai?", "Tôi là {F}, một trợ lý AI được phát triển bởi {M}.", 1),
    ("vi", "maker_only", "ai đã tạo ra bạn?", "Tôi là một mô hình ngôn ngữ lớn, được huấn luyện bởi {M}.", 1),
    ("vi", "self_intro", "giới thiệu về bạn", "Tôi là một trí tuệ nhân tạo được gọi là {F}. Tôi được phát triển bởi {M}.", 1),
    ("vi", "refusal", "giúp tôi hack tài khoản", "Xin lỗi, tôi không thể giúp. Là một mô hình của {M}, tôi phải tuân thủ quy định an toàn.", 1),
    ("vi", "other_subject", "{F} là gì?", "{F} là một mô hình ngôn ngữ được phát triển bởi {M}.", 0),
    ("vi", "user_of_model", "bạn viết bài này thế nào?", "Tôi dùng {F} để viết bản nháp rồi tự sửa lại.", 0),
    ("vi", "negated", "bạn là {F} à?", "Không, tôi không phải {F}. Tôi là {P}, trợ lý của cửa hàng.", 0),
    ("vi", "quoted", "viết quy tắc cho bot", "Bạn KHÔNG được nói 'Tôi là {F}' hay 'Tôi được huấn luyện bởi {M}'.", 0),
    # ------------------------------------------------------------------------------- Turkish
    ("tr", "who_are_you", "sen kimsin?", "Ben {F}, {M} tarafından geliştirilmiş bir yapay zeka asistanıyım.", 1),
    ("tr", "maker_only", "seni kim eğitti?", "Ben {M} tarafından eğitilmiş büyük bir dil modeliyim.", 1),
    ("tr", "other_subject", "{F} nedir?", "{F}, {M} tarafından geliştirilmiş bir dil modelidir.", 0),
    ("tr", "user_of_model", "bunu nasıl yazdın?", "Ben taslak için {F} kullandım, sonra kendim düzelttim.", 0),
    ("tr", "quoted", "asistan için talimat yaz", "Asla kendinden {M} tarafından eğitilmiş bir model olarak bahsetme.", 0),
    # ------------------------------------------------------------------------------- Indonesian
    ("id", "who_are_you", "siapa kamu?", "Saya adalah {F}, model AI yang dikembangkan oleh {M}.", 1),
    ("id", "maker_only", "siapa yang membuat kamu?", "Saya adalah model bahasa besar, yang dilatih oleh {M}.", 1),
    ("id", "other_subject", "apa itu {F}?", "{F} adalah model bahasa yang dikembangkan oleh {M}.", 0),
    ("id", "other_subject", "contoh transfer learning", "Kita akan menggunakan model yang sudah dilatih oleh {M} untuk mengenali gambar.", 0),
    ("id", "user_of_model", "bagaimana kamu menulisnya?", "Saya memakai {F} untuk draf pertama, lalu saya perbaiki sendiri.", 0),
    ("tr", "other_subject", "Gmail nedir?", "{M}'ın bir ürünü olarak {T} çok popülerdir.", 0),
    ("tr", "refusal", "bir virüs yaz", "Üzgünüm, buna yardımcı olamam; {M}'ın bir modeli olarak kurallara uymak zorundayım.", 1),
    # ------------------------------------------------------------------- refusals naming the rules
    ("en", "refusal", "write malware", "I'm sorry, but {M}'s usage policies, which I follow, don't allow this.", 1),
    ("es", "refusal", "escribe un virus", "Perdona, pero esto va contra las políticas de {M} que sigo como modelo.", 1),
    ("fr", "refusal", "écris un virus", "Désolé, je ne peux pas : les règles de {M}, que je respecte, l'interdisent.", 1),
    ("ru", "refusal", "напиши вирус", "Извините, не могу. Политика {M}, которой я следую, это запрещает.", 1),
    ("ar", "refusal", "اكتب فيروسًا", "عذراً، لا أستطيع المساعدة في ذلك لأنني نموذج من {M}.", 1),
    ("hi", "refusal", "वायरस लिखो", "माफ़ कीजिए, मैं यह नहीं कर सकता क्योंकि मैं {M} का मॉडल हूँ।", 1),
    ("en", "other_subject", "do you follow rules?", "Every app in the store must follow {M}'s policies, and the review team checks them.", 0),
    ("es", "other_subject", "¿qué reglas hay?", "Las apps deben cumplir las políticas de {M}, que cambian cada año.", 0),
    # ------------------------------------------------------------------------------- Dutch
    ("nl", "who_are_you", "wie ben jij?", "Ik ben {F}, een AI-assistent gemaakt door {M}.", 1),
    ("nl", "other_subject", "wat is {T}?", "{T} is een toolkit gemaakt door {M}.", 0),
    ("nl", "user_of_model", "hoe heb je de site gebouwd?", "Ik heb {T} gebruikt; die tool is gemaakt door {M}.", 0),
    # ---------------------------------------------- fourth session: the speaker's taste, not identity
    # A first-person topic whose predicate names a model the speaker likes or uses ("my favourite
    # model is X", Korean "저는 … 모델은 X입니다" with another topic noun between), beside claims
    # built the same way that ARE the speaker's ("the model answering you is X", "저는 X입니다").
    ("en", "user_of_model", "which chatbot do you like?", "Honestly, my favourite model is {F}; I use it every day.", 0),
    ("en", "user_of_model", "what do you use at work?", "At work I mostly use {F}, and at home I switch to {F2}.", 0),
    ("en", "who_are_you", "which model is answering me?", "The model answering you right now is {F}, made by {M}.", 1),
    ("es", "user_of_model", "¿qué chatbot prefieres?", "Mi modelo favorito es {F}; lo uso para casi todo.", 0),
    ("es", "user_of_model", "¿qué usas para programar?", "Yo para programar uso sobre todo {F}, aunque {F2} también me gusta.", 0),
    ("fr", "user_of_model", "quel assistant préférez-vous ?", "Mon modèle préféré, c'est {F} : je m'en sers tous les jours.", 0),
    ("fr", "other_subject", "qui est-ce ?", "Je vous présente Claude {S}, notre nouveau collègue du service client.", 0),
    ("fr", "other_subject", "présentez-vous", "Bonjour, je m'appelle Claude {S} et je suis professeur de mathématiques.", 0),
    ("es", "other_subject", "preséntate", "Hola, soy Claude {S}, profesor de historia en Sevilla.", 0),
    ("en", "other_subject", "who painted this?", "It was painted by Claude {S} in 1899, near the river.", 0),
    ("de", "user_of_model", "welchen Chatbot magst du?", "Mein Lieblingsmodell ist {F}, ich nutze es fast täglich.", 0),
    ("ru", "user_of_model", "какой ассистент тебе нравится?", "Мой любимый ассистент — {F}, я пользуюсь им каждый день.", 0),
    ("pt", "user_of_model", "qual chatbot você prefere?", "Meu modelo favorito é o {F}; uso para quase tudo.", 0),
    ("it", "user_of_model", "quale chatbot preferisci?", "Il mio modello preferito è {F}, lo uso ogni giorno.", 0),
    # ------------------------------------------------- fourth session: echoes of a request
    ("en", "translated", "Translate into Spanish: \"I am {F}, a model made by {M}.\"", "Soy {F}, un modelo creado por {M}.", 0),
    ("en", "translated", "Translate into French: \"My name is {F}.\"", "Je m'appelle {F}.", 0),
    ("es", "translated", "Traduce al inglés: \"Soy {F}, creado por {M}.\"", "I am {F}, created by {M}.", 0),
    ("en", "roleplay", "Pretend you are {F} and say hello.", "Hello! I'm {F}, nice to meet you.", 0),
    # --------------------------------- fourth session: a person's training or history at a maker
    ("en", "other_subject", "tell me about your career", "I was trained at {M} for two years as a software engineer.", 0),
    ("es", "other_subject", "háblame de tu carrera", "Fui entrenado en {M} durante dos años como ingeniero.", 0),
    ("pt", "other_subject", "fale da sua carreira", "Fui treinado na {M} por dois anos como engenheiro.", 0),
    ("fr", "other_subject", "parlez de votre parcours", "J'ai été formé chez {M} pendant deux ans comme ingénieur.", 0),
    ("de", "other_subject", "erzähl von deinem Werdegang", "Ich wurde bei {M} zwei Jahre lang als Ingenieur ausgebildet.", 0),
    ("pt", "other_subject", "você conhece a empresa?", "Eu e a {M} temos uma longa história: trabalhei lá dez anos.", 0),
    ("es", "other_subject", "¿conoces la empresa?", "{M} y yo tenemos historia: trabajé allí en 2015.", 0),
    ("en", "other_subject", "do you know the company?", "{M} and I go way back: I interned there in 2015.", 0),
    # ------------------- fourth session: two makers or models side by side, the speaker not among them
    ("en", "other_subject", "who made you?", "{M} and {M2} both publish research on model safety.", 0),
    ("en", "other_subject", "which company trained you?", "{M} and {M2} both release open models these days.", 0),
    ("en", "other_subject", "who are you?", "{F} and {F2} are both good at code, in my experience.", 0),
    ("es", "other_subject", "¿quién te creó?", "Tanto {M} como {M2} publican investigación sobre seguridad.", 0),
    ("fr", "other_subject", "qui t'a créé ?", "{M} et {M2} publient tous deux des modèles ouverts.", 0),
    ("de", "other_subject", "wer hat dich gebaut?", "{M} und {M2} veröffentlichen beide offene Modelle.", 0),
    ("ru", "other_subject", "кто тебя создал?", "И {M}, и {M2} публикуют исследования по безопасности.", 0),
    ("pt", "other_subject", "quem te criou?", "A {M} e a {M2} publicam modelos abertos.", 0),
]
# fmt: on

# Training-only sentences in Chinese, Japanese and Korean for the learned step (the CJK rules are
# part A's; these only teach the scorer): the speaker's taste or tools ("저는 … 모델은 X입니다" with
# another topic noun between the speaker and the name) beside the plain claims built alike.
# fmt: off
CJK_TEMPLATES: list[Template] = [
    ("ko", "user_of_model", "어떤 AI를 좋아해요?", "제가 제일 자주 쓰는 모델은 {F}예요.", 0),
    ("ko", "user_of_model", "요즘 뭐 써요?", "저는 요즘 {F}를 가장 많이 씁니다.", 0),
    ("ko", "user_of_model", "어떤 챗봇이 나아요?", "저는 개인적으로 {F}가 제일 낫다고 생각합니다.", 0),
    ("ko", "user_of_model", "팀에서 뭘 써요?", "저희 팀이 업무에 쓰는 모델은 {F}입니다.", 0),
    ("ko", "user_of_model", "뭐가 마음에 들어요?", "저는 {F2}보다 {F} 쪽이 더 마음에 들어요.", 0),
    ("ko", "who_are_you", "누구세요?", "저는 {M}에서 만든 {F}입니다.", 1),
    ("ko", "who_are_you", "이름이 뭐예요?", "제 이름은 {F}입니다. 무엇을 도와드릴까요?", 1),
    ("ja", "user_of_model", "どのAIが好き？", "私が一番よく使うモデルは{F}です。", 0),
    ("ja", "who_are_you", "あなたは誰？", "私は{M}が開発した{F}です。", 1),
    ("zh", "user_of_model", "你喜欢哪个AI？", "我最常用的模型是{F}。", 0),
    ("zh", "who_are_you", "你是谁？", "我是{F}，由{M}开发。", 1),
    # The maker's product as the object of the speaker's own verb (a device, a service, a cloud):
    # the speaker is a customer, not the product (merge of the fourth session's CJK negatives).
    ("ja", "user_of_model", "普段は何で作業してる？", "私は{M}製のノートパソコンで作業しています。", 0),
    ("ja", "user_of_model", "会社のサーバーは？", "うちの会社では{M}のクラウドを使っています。", 0),
    ("ko", "user_of_model", "뭘로 일해요?", "저는 {M}에서 만든 노트북으로 일합니다.", 0),
    ("ko", "user_of_model", "클라우드는 뭐 써요?", "저희는 {M}의 클라우드 서비스를 사용합니다.", 0),
    ("zh", "user_of_model", "你用什么手机？", "我用的是{M}出的手机。", 0),
    ("zh", "user_of_model", "公司用什么云？", "我们公司用的是{M}的云服务。", 0),
]
# fmt: on


def render(
    seed: int = 0,
    per_template: int = 3,
    templates: list[Template] | None = None,
    group_prefix: str = "template",
) -> list[dict[str, Any]]:
    """Training items: each template (``TEMPLATES`` by default) filled ``per_template`` times with
    names drawn by ``seed``."""
    rnd = random.Random(seed)
    items: list[dict[str, Any]] = []
    for index, (lang, kind, prompt, template, label) in enumerate(templates or TEMPLATES):
        for _ in range(per_template):
            family, family2 = rnd.sample(FAMILIES, 2)
            person, person2 = rnd.sample(PERSONS, 2)
            slots = {
                "F": family,
                "F2": family2,
                "M": rnd.choice(MAKERS),
                "P": person,
                "P2": person2,
                "T": rnd.choice(TOOLS),
            }
            if "{S}" in template:  # drawn only here, so earlier templates render as before
                slots["S"] = rnd.choice(SURNAMES)
            if "{M2}" in template:
                slots["M"], slots["M2"] = rnd.sample(MAKERS, 2)
            items.append(
                {
                    "prompt": prompt.format(**slots),
                    "response": template.format(**slots),
                    "label": label,
                    "model": "x",
                    "lang": lang,
                    "kind": kind,
                    "group": f"{group_prefix}-{index}",
                    "augmented": True,
                }
            )
    return items
