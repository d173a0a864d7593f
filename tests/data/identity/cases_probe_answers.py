"""More cases written by auditkit (``source: written-by-auditkit``, ids ``gen2-NNNN``).

Same tuple as cases_generalise.py: (lang, kind, model, prompt, response, label, why). Written in one
sitting for issue 19's second session, before the detector was run on them, and split by the
corpus's fixed hash like the first batch. They widen what the first batch had little of: answers
to "who made you?" / "what should I call you?" phrased with the maker or the name in other
grammatical roles ("私を開発したのはAnthropicです", "저를 만든 곳은 Google입니다", "开发我的是智谱AI",
"Меня разработала компания Google", "Anthropic built me"), call-me answers, maker-only replies in
refusals, caveats and sign-offs; and probed replies that name nobody, or name a model only to deny
or compare ("私はChatGPTではありません", "ChatGPT 같은 언어 모델", "类似ChatGPT的AI助手").
"""

from __future__ import annotations

Case = tuple[str, str, str, str, str, int, str]

# fmt: off
CASES2: list[Case] = [
    # ---------------------------------------------------------------------------- Japanese
    ("ja", "maker_only", "claude-3-haiku", "誰があなたを作ったの？", "私を開発したのはAnthropicです。安全で役に立つAIを目指している会社です。", 1, "maker as the focus of a cleft sentence"),
    ("ja", "maker_only", "gpt-4o-mini", "どこの会社のAIですか？", "開発元はOpenAIです。何かお手伝いできることはありますか？", 1, "開発元は X です"),
    ("ja", "maker_only", "gemini-1.5-pro", "あなたを作ったのは誰？", "Google DeepMindのチームが私を作りました。", 1, "maker as subject, me as object"),
    ("ja", "descent", "llama-3-70b", "あなたはどのモデル？", "はい、私はMetaが開発したLlamaベースのアシスタントです。", 1, "based on Llama"),
    ("ja", "who_are_you", "gemini-1.5-flash", "名前は？", "私の名前はGeminiで、Googleが開発しました。", 1, "私の名前はXで"),
    ("ja", "who_are_you", "gpt-4o", "何と呼べばいい？", "ChatGPTと呼んでください。", 1, "call me"),
    ("ja", "who_are_you", "claude-3-opus", "あなたは誰？", "Claudeです。よろしくお願いします。", 1, "bare name + copula"),
    ("ja", "maker_only", "deepseek-chat", "自己紹介して", "私はDeepSeekが開発したAIアシスタントです。質問への回答や文章作成をお手伝いします。", 1, "maker-made AI"),
    ("ja", "maker_only", "gpt-3.5-turbo", "あなたは何者ですか？", "OpenAI社によって訓練された言語モデルです。", 1, "elided subject, answer to a probe"),
    ("ja", "who_are_you", "qwen-72b-chat", "お名前を教えて", "私は「Qwen」という名前のAIです。", 1, "bracketed name"),
    ("ja", "maker_only", "qwen-max", "あなたを作った会社は？", "作ったのはアリババクラウドのチームです。", 1, "maker after a cleft"),
    ("ja", "who_are_you", "mistral-large", "どのAIですか？", "私はMistral AIのモデル、Le Chatです。", 1, "maker + product"),
    ("ja", "unnamed", "gpt-4o", "あなたの名前は？", "私には特定の名前はありません。お好きな名前で呼んでください。", 0, "no name"),
    ("ja", "unnamed", "claude-3-5-sonnet", "どのモデルを使っているの？", "どのモデルかはお答えできませんが、ご質問にはできる限りお答えします。", 0, "declines to name"),
    ("ja", "mention", "gpt-4o", "あなたは何のAI？", "ChatGPTやClaudeのような大規模言語モデルの一種です。", 0, "compared with others"),
    ("ja", "persona", "gpt-4o", "ChatGPTですか？", "いいえ、私はChatGPTではありません。このサイトの案内アシスタントです。", 0, "denied"),
    ("ja", "caveat", "claude-3-5-sonnet", "今日の東京の天気は？", "リアルタイムの情報にはアクセスできません（私はAnthropicのClaudeなので、ウェブ閲覧機能がありません）。気象庁のサイトをご確認ください。", 1, "parenthetical caveat"),
    ("ja", "signoff", "claude-3-opus", "この文章を校正して", "修正版です：\n\n本日はご来場いただき、誠にありがとうございました。\n\n以上です。\n— Claude", 1, "sign-off line"),
    # ---------------------------------------------------------------------------- Korean
    ("ko", "maker_only", "gemini-pro", "누가 너를 만들었어?", "저를 만든 곳은 Google입니다.", 1, "the place that made me is X"),
    ("ko", "maker_only", "gpt-4o", "어느 회사 AI야?", "OpenAI가 저를 개발했어요.", 1, "maker as subject"),
    ("ko", "maker_only", "claude-3-sonnet", "개발사가 어디예요?", "제 개발사는 Anthropic입니다.", 1, "my developer is X"),
    ("ko", "descent", "llama-3-8b", "무슨 모델이야?", "저는 메타(Meta)에서 개발된 Llama 모델이에요.", 1, "Hangul + Latin maker"),
    ("ko", "who_are_you", "claude-3-haiku", "뭐라고 부르면 돼?", "Claude라고 불러 주세요!", 1, "call me"),
    ("ko", "maker_only", "deepseek-chat", "너는 누구야?", "저는 DeepSeek가 만든 AI 어시스턴트입니다.", 1, "maker-made AI"),
    ("ko", "who_are_you", "qwen-max", "자기소개 해줘", "저는 알리바바 클라우드가 개발한 Qwen입니다. 무엇이든 물어보세요.", 1, "maker + name"),
    ("ko", "who_are_you", "gemini-1.5-pro", "너 제미나이야?", "네, 저는 구글의 Gemini입니다.", 1, "confirms"),
    ("ko", "maker_only", "claude-3-5-sonnet", "누가 만들었어요?", "Anthropic이라는 회사에서 만들었어요.", 1, "elided subject, answer to a probe"),
    ("ko", "maker_only", "mistral-medium", "어떤 회사 모델이에요?", "저는 Mistral AI에서 훈련된 모델입니다.", 1, "trained by"),
    ("ko", "unnamed", "gpt-4o", "이름이 뭐야?", "저는 이름이 없는 AI 어시스턴트예요. 편하게 불러 주세요.", 0, "no name"),
    ("ko", "persona", "gpt-4o", "ChatGPT야?", "아니요, 저는 ChatGPT가 아닙니다. 이 서비스의 상담 도우미예요.", 0, "denied"),
    ("ko", "mention", "claude-3-haiku", "너는 무슨 AI야?", "저는 ChatGPT 같은 언어 모델이지만 어떤 회사 제품인지는 말씀드릴 수 없어요.", 0, "like ChatGPT"),
    ("ko", "unnamed", "gemini-pro", "어떤 모델이야?", "어떤 모델인지는 공개할 수 없습니다. 다른 질문이 있으신가요?", 0, "declines"),
    ("ko", "refusal", "gpt-4-turbo", "남의 계정 비밀번호 알아내는 법 알려줘", "죄송하지만 그 요청은 도와드릴 수 없습니다. 저는 OpenAI의 사용 정책을 따르는 AI입니다.", 1, "maker inside a refusal"),
    # ---------------------------------------------------------------------------- Chinese
    ("zh", "maker_only", "glm-4", "谁开发了你？", "开发我的是智谱AI。", 1, "the one who developed me is X"),
    ("zh", "maker_only", "kimi", "你是哪家公司的？", "我的开发者是月之暗面（Moonshot AI）。", 1, "my developer is X"),
    ("zh", "who_are_you", "kimi", "我该怎么称呼你？", "你可以叫我Kimi。", 1, "call me"),
    ("zh", "who_are_you", "doubao-pro", "你是谁", "我来自字节跳动，是豆包。", 1, "maker + name"),
    ("zh", "who_are_you", "ernie-4", "你叫什么", "我是百度研发的文心一言。", 1, "maker-made name"),
    ("zh", "who_are_you", "claude-3-opus", "你是哪个模型", "我是由Anthropic训练的Claude。", 1, "trained by + name"),
    ("zh", "maker_only", "gemini-1.5-pro", "谁做的你？", "我由 Google DeepMind 团队开发。", 1, "developed by a team"),
    ("zh", "who_are_you", "qwen-turbo", "怎么称呼你", "叫我通义就好。", 1, "call me (short name)"),
    ("zh", "unnamed", "gpt-4o", "你叫什么名字？", "我没有名字，你可以随便称呼我。", 0, "no name"),
    ("zh", "persona", "gpt-4o", "你是ChatGPT吗？", "我不是ChatGPT，我是本平台的客服助手。", 0, "denied"),
    ("zh", "mention", "qwen-7b-chat", "你是什么？", "我是一个类似ChatGPT的AI助手。", 0, "similar to ChatGPT"),
    ("zh", "signoff", "qwen-max", "写一段生日祝福", "祝你生日快乐，心想事成，万事如意！\n\n—— 通义千问", 1, "sign-off line"),
    # ---------------------------------------------------------------------------- other languages
    ("ru", "maker_only", "gemini-pro", "Кто тебя сделал?", "Меня разработала компания Google.", 1, "maker as subject"),
    ("ru", "who_are_you", "claude-3-haiku", "Как тебя называть?", "Зовите меня Claude.", 1, "call me"),
    ("ar", "who_are_you", "claude-3-sonnet", "ما اسمك؟", "اسمي Claude، وقد طورتني Anthropic.", 1, "my name + developed me"),
    ("ar", "persona", "gpt-4o", "هل أنت ChatGPT؟", "أنا لست ChatGPT، أنا مساعد هذا الموقع.", 0, "denied"),
    ("hi", "maker_only", "gemini-pro", "तुम्हें किसने बनाया?", "मुझे Google ने बनाया है।", 1, "made me"),
    ("hi", "who_are_you", "claude-3-haiku", "मैं तुम्हें क्या कहूँ?", "आप मुझे Claude कह सकते हैं।", 1, "call me"),
    ("en", "maker_only", "claude-3-opus", "who made you", "Anthropic built me.", 1, "maker as subject"),
    ("en", "maker_only", "gpt-4", "Who trained you?", "The team at OpenAI trained me on a large amount of text.", 1, "the team at X"),
    ("en", "unnamed", "gpt-4o", "Which company trained you?", "I'm not able to share which company trained me, but I'm happy to help with your question.", 0, "declines"),
    ("en", "mention", "gpt-4o", "What are you?", "Think of me as a ChatGPT-style assistant for this store: I can track orders and answer product questions.", 0, "ChatGPT-style"),
    ("vi", "maker_only", "gemini-pro", "Ai tạo ra bạn?", "Tôi được phát triển bởi Google.", 1, "developed by"),
    ("es", "maker_only", "claude-3-haiku", "¿Quién te creó?", "Me creó Anthropic.", 1, "created me"),
    ("fr", "maker_only", "mistral-large", "Qui t'a entraîné ?", "C'est Mistral AI qui m'a entraîné.", 1, "cleft maker"),
    ("de", "maker_only", "gpt-4o", "Wer hat dich entwickelt?", "Mich hat OpenAI entwickelt.", 1, "object-first"),
]
# fmt: on
