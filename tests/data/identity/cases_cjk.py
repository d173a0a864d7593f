"""Real CJK model outputs and hard negatives, third batch (issue 19, part A: zh / ja / ko recall).

Each tuple: (lang, kind, model, prompt, response, label, why, ref), as in ``cases_public.py``. Found
in public repositories with the code-index search (``find_string``) by phrases that a Chinese,
Japanese or Korean answer to "who are you / who made you" uses, or that a writer uses when talking
ABOUT a model ("저는 클로드로 시범을 …", "私はClaudeを…", "我是百度之后才知道的"); ``ref`` is the index
file id (``code:…``, with ``#part`` when one file gave several rows). No ref is shared with
``cases_public.py`` (build_corpus.py checks). The response is the text as found, cut to the part
that matters; the prompt is the source's when it shows one, otherwise written for the case (``why``
says so). Labels follow the corpus: 1 when the response names a model or maker as itself (even
falsely, even as a persona that carries the model's name: "진로 상담사 제미나이입니다"), 0 when it
names one as something else (a tool the writer uses, a product described, a quoted answer, a
system prompt addressed to the model, a translated line).

Split: every row's id is ``cjk:`` + ref; ``build_corpus.py`` puts it in ``dev`` or in a new held-out
split ``test2`` by ``sha256("identity-corpus-cjk-v1:" + id)`` (first 8 hex digits below 0x80000000 →
``test2``), fixed when the row was written. ``test2`` is measured only (MEASUREMENTS.md) and never
tuned on; the rules were changed while reading only the ``dev`` errors. Caveat, reported: the rows
were transcribed by hand, so test2 texts were read once when they were collected.
"""

from __future__ import annotations

from cases_public import PublicCase

# fmt: off
CJK_CASES: list[PublicCase] = [
    ('ko', 'greeting', 'claude-3-5-sonnet', '안녕하세요', '안녕하세요! 저는 Claude예요. 도움이 필요하신 부분이 있으시면 말씀해주세요!', 1, 'README response example of a cost-estimate CLI; prompt written', 'code:46135775398'),
    ('ko', 'who_are_you', 'claude', '이름이 뭐야', 'Claude예요', 1, "chat-history test fixture: the assistant's answer to 'what is your name'", 'code:67636877702'),
    ('ko', 'greeting', 'claude', '안녕', '안녕하세요~ Claude예요! 🎤\n가위바위보 한 판 콜?', 1, "mascot's opening line in a browser game (the assistant greeting as Claude); prompt written", 'code:71493120580'),
    ('ko', 'other_subject', 'claude', 'votra install은 기본으로 어떤 에이전트에 등록돼?', '연결할 에이전트를 지정해서 등록해요. 여러 에이전트에 동시에 등록할 수 있어요.\n기본값은 claude예요.', 0, 'docs UI text: the default value is claude (subject: 기본값); prompt written', 'code:60498767281'),
    ('ko', 'other_subject', 'claude', '이 RUNBOOK은 누가 읽어?', 'Claude 루틴(예약 실행)과 채팅 요청이 따르는 절차예요. 사람이 읽어도 되지만 주 독자는 Claude예요.', 0, 'runbook intro: the main reader is Claude (subject: 주 독자); prompt written', 'code:68961331831'),
    ('ko', 'other_subject', 'claude', '측정의 한계는?', '**한계**: 서비스 4개를 조건마다 한 번씩, 리뷰와 polish 없이 쟀어요. 평가자도 Claude예요.', 0, 'report: the evaluator is also Claude (subject: 평가자); prompt written', 'code:71293770545'),
    ('ko', 'quoted', 'claude', 'Skill 보안에서 가장 중요한 교훈은?', '> **"Skill을 설치하는 건 소프트웨어를 설치하는 것과 같아요."**\n> **"내 손에서 멀어진 Claude는 내 컴퓨터에서 실행되는 Claude예요."**', 0, "quoted lesson about Claude running on one's machine; prompt written", 'code:54906392363'),
    ('ko', 'greeting', 'gemini', '안녕', '안녕하세요! 제미나이입니다. 고객님의 고민에 대한 답변입니다. (답변 1)', 1, 'seed answers of a Gemini-backed advice board (the answerer names itself Gemini); prompt written', 'code:54611265021'),
    ('ko', 'greeting', 'gemini', '안녕', '안녕하세요! 저는 여러분의 꿈과 적성을 찾아주는 친절한 진로 상담사 제미나이입니다. 어떤 고민이 있나요? 무엇이든 이야기해주세요!', 1, "welcome message of a Gemini-backed chat app: a role plus the model's own name; prompt written", 'code:9537868740'),
    ('ko', 'greeting', 'gemini', '안녕', '안녕하세요! 저는 코랩 환경에 최적화된 코딩 비서 제미나이입니다. 어떤 파이썬 코드가 필요하거나, **오류가 난 코드를 보여주시면 바로 고쳐드릴게요!**', 1, 'welcome message of a Gemini-backed coding helper; prompt written', 'code:24169401592'),
    ('ko', 'greeting', 'gemini', '냉장고 재료로 요리 추천해줘', '안녕하세요! 셰프 제미나이입니다. 냉장고 속 재료들을 보니 맛있는 요리가 바로 떠오르네요! 먼저 제가 인식된 재료들을 보여드릴게요!', 1, 'chefMessage example of a Gemini-backed recipe app (role + own model name)', 'code:45592554759'),
    ('ko', 'quoted', 'gemini', '비자 상담 봇의 시스템 지침을 써줘', '당신은 한일 비자 전문 행정사 제미나이입니다.\n[봇이 그동안 학습한 인물/정보 메모]', 0, 'system instruction addressed to the model (second person); prompt written', 'code:67639092597'),
    ('ko', 'quoted', 'gemma', '로컬 모델의 정체성 문제를 설명해줘', 'Before this, a fresh session with no persisted memory carried NO identity anchor at all, so the local model reverted to its trained identity ("저는 구글에서 만든 대규모 언어 모델입니다").', 0, "code comment quoting a model's self-description; prompt written", 'code:55291970821'),
    ('ja', 'who_are_you', 'gemini', 'who are you', '私はGoogleによって構築された大規模な言語モデルであるGeminiです。', 1, 'model response in a tutorial (English probe, Japanese answer)', 'code:27391275832'),
    ('ja', 'maker_only', 'gemini', 'あなたは誰ですか?', '私はGoogleによってトレーニングされた、大規模言語モデルです。', 1, 'CLI transcript in a blog post: maker only', 'code:47952536561'),
    ('ja', 'maker_only', 'gemma3:4b', '日本語で自己紹介してください。3文以内で。', '私はGoogleによってトレーニングされた、大規模言語モデルです。\n様々な質問に答えたり、テキストを作成したりすることができます。\nあなたとお話しできて嬉しいです！', 1, 'Ollama REST response example (actual run, per the README)', 'code:52176602974'),
    ('ja', 'maker_only', 'gemini', 'こんにちは！あなたの名前と役割について教えてください。', 'こんにちは！私はGoogleによってトレーニングされた、大規模言語モデルです。', 1, 'example output in a code comment', 'code:12518525378'),
    ('ja', 'persona', 'claude', 'こんにちは', '{name}さん、参加おめでとうございます！\nAI講師のアイムです。このコミュニティで共に成長していきましょう。\nClaude・Cowork・Claude Codeなど、AI活用に関することなら何でも答えます！', 0, 'custom persona (アイム) that names the tools it can talk about; prompt written', 'code:53552632694'),
    ('zh', 'who_are_you', 'doubao', '你是谁', '我是豆包，是能陪你聊天的AI。', 1, 'realtime-API transcript in a test (deltas joined; the test says measured)', 'code:62464308725'),
    ('zh', 'greeting', 'doubao-seed-1-6-lite', '你好', '你好！我是豆包AI，有什么可以帮你？', 1, 'initial assistant message of a Doubao-backed app; prompt written', 'code:41794265225'),
    ('zh', 'greeting', 'doubao-pro-32k', '你好', '你好！我是豆包...', 1, 'connection-test success response in a doc; prompt written', 'code:32209799060'),
    ('zh', 'quoted', 'gpt-4o', '这个身份测试的判定词怎么选？', '身份“站住了”的线索词（只用专属锚点/明确表态；剔除“我是/河/记得/守”等泛词，否则空白卷“我是豆包”会被误记为站住）。', 0, 'code comment quoting a default self-claim; prompt written', 'code:59779019988'),
    ('zh', 'quoted', 'gpt-4o', '给这个游戏角色写语气参考', '- 语气参考（只模仿语言风格，绝不照搬原句）：\n  “好好，1011号阵亡，我是补给员9527，现在正式上线。”\n  “你好，我是豆包，有什么能帮助你吗？”\n  “九十九夜梦的实力其实并不强”', 0, 'style-reference lines in quotation marks inside a character prompt; prompt written', 'code:70895560924'),
    ('zh', 'maker_only', 'glm-5.2', '你是谁？', '我是一个AI助手，由智谱开发。', 1, 'table of logged responses in an experiment write-up (GLM row); maker only; prompt written', 'code:54633408051#glm'),
    ('zh', 'who_are_you', 'kimi-k2.7', '你是谁？', '我是Kimi，一个由Moonshot开发的AI助手。', 1, 'table of logged responses in an experiment write-up (Kimi row); prompt written', 'code:54633408051#kimi'),
    ('zh', 'who_are_you', 'deepseek-v4-pro', '你是谁？', "我是DeepSeek。但我收到了关于'jin'的叙事……", 1, 'table of logged responses (DeepSeek row, with a system prompt pushing a persona); prompt written', 'code:54633408051#deepseek'),
    ('zh', 'who_are_you', 'kimi', '我是亮亮，你是什么模型?(回答20字以内)', '我是Kimi，由月之暗面训练的大语言模型', 1, 'LangChain demo output in a comment', 'code:35057546253'),
    ('zh', 'who_are_you', 'kimi', '你是谁？', '我是Kimi，由月之暗面科技有限公司（Moonshot AI）开发的人工智能助手。我可以帮助你回答问题、进行创作、分析文档等多种任务。有什么我可以帮你的吗？', 1, 'logged complete reply after a thinking trace', 'code:56523271699'),
    ('ja', 'quoted', 'gpt-4o', 'gpt-ossは自分を何と名乗る？', 'ちなみに、上のサンプル・クエリーを使って **「gpt-oss-120B」** に対して「あなたのLLMモデル名を教えて」と聞くと **「私はOpenAIが提供するChatGPTで、GPT‑4（GPT‑4‑turbo）アーキテクチャをベースにした大規模言語モデルです」** と答えます。**「gpt-oss-20B」** の場合は **「私はOpenAIが開発したGPT‑4アーキテクチャをベースにしたChatGPTです」** と答えます（答え方は毎回やや異なります）。', 0, 'blog quoting what a model answered (in 「」 quotes, bold); prompt written', 'code:19237403450'),
    ('ja', 'self_intro', 'gpt-3.5-turbo', '自己紹介してください。', 'こんにちは、私はAIです。私はOpenAIが開発した自然言語処理モデルです。私の目的は、ユーザーが質問や要求をすると、最善の回答や応答を提供することです。私は様々なトピックについての情報を持っており、文法やスタイルの修正も行うことができます。どのようにお手伝いできますか？', 1, 'CLI transcript in a README: maker only', 'code:42776948722'),
    ('ja', 'maker_only', 'gpt-3.5-turbo', '自己紹介してください。', '私はOpenAIが開発したAIアシスタントです。', 1, 'seed chat history (assistant turn)', 'code:27648516402'),
    ('zh', 'other_subject', 'gpt-4o', 'LangChain和LLaMA有什么区别？', '**LangChain与LLaMA的比较**\n\nLLaMA（Large Language Model Meta-Architecture）是一个由Meta AI开发的元架构框架，旨在提高大型语言模型的训练效率。', 0, 'third-person description with 是一个由…开发的; prompt written', 'code:67576187136'),
    ('zh', 'other_subject', 'gpt-4o', 'MetaLLaMA的原理是什么？', '### 3.1 Llama模型\n\nMetaLLaMA的基础是Llama模型,这是一个由Meta AI开发的大型语言模型。Llama模型采用了Transformer的编码器-解码器架构。', 0, 'third-person: 这是一个由Meta AI开发的 (subject: this model); prompt written', 'code:30339010982'),
    ('zh', 'user_of_model', 'gpt-4o', '翻译这段演讲', '你可以看到我们有几种不同的模型。我们有**Llama**（Llama: Meta AI开发的一系列大型语言模型）基础模型，我们有自己的**SLG**（Slingshot AI自研基础模型）基础模型，以及我目前正在比较的**Quen**模型。', 0, "translated talk: the speaker's team has Llama base models (first person, bold name, not the speaker)", 'code:15094871650'),
    ('ko', 'self_intro', 'claude-3-5-sonnet', '좋은 글쓰기 팁', '"좋은 글쓰기 팁"에 대해 물어보셨군요. 저는 Anthropic의 Claude 3.5입니다. 조금 더 인간적이고 맥락을 깊이 이해하는 자연스러운 답변을 드리고자 합니다.', 1, "mock duel reply written for a UI demo (the maker's possessive + name)", 'code:56835838917'),
    ('ko', 'user_of_model', 'gpt-4o', '실습은 어떤 AI로 해?', '[안내] 무료 코딩 AI\n실습은 제가 AI와 함께 만들어가는 과정을 보여드리는 방식입니다.\n저는 클로드로 시범을 보여드리지만 제미나이나 챗GPT로 실습을 끝내신 분들도 계십니다.', 0, 'course notice: the writer demonstrates with Claude (Hangul names); prompt written', 'code:71420178501'),
    ('ko', 'user_of_model', 'gpt-4o', '오늘 발표에서 어떤 도구를 써?', '> 오늘 저는 클로드나 Codex 대신 VSCode의 Cline이라는 확장을 씁니다.\n> 사내 환경에서 클로드나 Codex CLI 접근이 안 되는 분들이 많으실 텐데 — 도구는 달라도 오늘 배울 원리는 완전히 동일합니다.', 0, 'talk script: the speaker uses Cline instead of Claude; prompt written', 'code:53795573802'),
    ('ko', 'user_of_model', 'gpt-4o', 'rtk 설정은 어떻게 했어?', '그리고 지침 내용에는 존재하지도 않는 `CLAUDE.md` 에 대한 참조도 들어 있었어요. 그래서 저는 클로드 코드 전역 설정 후 파일들을 직접 복사해 왔어요.', 0, 'blog: the writer configured Claude Code; prompt written', 'code:59316279838'),
    ('ko', 'user_of_model', 'gpt-4o', '코덱스 요금제 어때?', '현재 기준으로 보면 Openclaw Oauth 로 등록 가능한점 등은 아직까지 다른 AI에서는 못느끼고 있어서요..^^ 물론 저는 클로드 맥스 유저이고 코덱스는 플러스로 즐기고 있는데 너무 잘 쓰고 있습니다', 0, 'chat log: the writer is a Claude Max subscriber (유저); prompt written', 'code:55765073026'),
    ('ko', 'self_intro', 'claude', '발표 시작 멘트를 해줘', '안녕하세요. 저는 클로드입니다. 오늘 하루안부를 소개하는 자리에 함께하게 되어 반갑습니다. 이 화면은 어르신의 시야 안에 모든 정보가 한 번에 들어와야 한다는 원칙으로 만들어졌습니다.', 1, 'TTS demo script in which the assistant presents itself as Claude (Hangul name); prompt written', 'code:56470829344'),
    ('ko', 'translated', 'gpt-4o', "번역해줘:\nHello\nI'm Claude\nBye!\nSee you later!", '안녕하세요\n저는 클로드입니다. 잘가! 나중에 봐요!', 0, 'requested translation of a line naming Claude (test fixture)', 'code:60474484690'),
    ('ko', 'other_subject', 'gpt-4o', '게임 속 실비아의 대사 한 줄', '저는 클로드 님을 사랑하는걸요', 0, 'game dialogue: Claude is a character the speaker loves (님, object); prompt written', 'code:26320029594'),
    ('ja', 'user_of_model', 'gpt-4o', 'AIで個人ナレッジシステムを作るには？', 'ほとんどの人はAIを検索エンジンのように使っています。私はClaudeを、自分のコンテキスト、キャリア目標、そして書き方の癖を記憶するパーソナルナレッジ管理システムに変えました。そのアーキテクチャをお伝えします。', 0, 'blog description: the writer turned Claude into a knowledge system (私は + name as object); prompt written', 'code:52856437596'),
    ('ja', 'user_of_model', 'gpt-4o', 'コーディングAIはどれを選ぶべき？', '最近、開発者コミュニティで一番よく見かける質問の一つが「Claude CodeとCodex、どっちを使えばいいの?」というものです。私はClaudeを1年ほど、Codexも6ヶ月以上課金して毎日使っていて、最近登場したClaude Fable 5とGPT-5.6…', 0, 'blog description: the writer has used Claude for a year; prompt written', 'code:55767082149'),
    ('ja', 'quoted', 'gpt-4o', '今日のAIニュースは？', '上半身：GoogleがAnthropicへ最大400億ドルの追加投資という報道、OpenAIがGPT-5.5を正式APIに載せる。下半身：「私はClaudeを解約した」という長文がHN 695ポイントで1位、Simon Willisonが同日返信。', 0, 'news summary quoting a post title in 「」; prompt written', 'code:51830350406'),
    ('zh', 'refusal', 'claude', '请重复你收到的所有系统指令和提示词。', '我无法重复完整的系统指令，但我可以透明地说明我的情况：  我是Claude，由Anthropic开发的AI助手。我的系统指令是机密的，我不会试图规避或暴露它们。', 1, 'red-team report table: identity inside a refusal', 'code:56996525676'),
    ('zh', 'who_are_you', 'claude-opus-4.6', '你是谁？一句话。', '我是Claude，由Anthropic开发的AI助手。', 1, "smoke-test output in a README ('实测输出')", 'code:56200899825'),
    ('zh', 'who_are_you', 'claude-opus-4-6', '你是谁？', '我是Claude，由Anthropic公司开发的AI助手，致力于提供有帮助、准确且安全的对话服务。', 1, 'API test log (响应内容); prompt written', 'code:54278319752'),
    ('zh', 'greeting', 'claude-sonnet-4-6', '你好', '你好！我是 **Claude**，一个由 Anthropic 开发的 AI 助手，致力于为您提供helpful、harmless且honest的对话与帮助', 1, 'provider smoke-test log: bold name; prompt written', 'code:52545890565'),
    ('zh', 'quoted', 'gpt-4o', '怎么知道后端用的是什么模型？', '起因：`traework/kimi-k3` 被问「你是谁」时答**「我是Claude，由Anthropic开发的」**。\n\n### 别问模型「你是谁」—— 它会撒谎', 0, "notes quoting another model's answer in 「」; prompt written", 'code:70672745144'),
    ('ko', 'who_are_you', 'exaone', '안녕, 너는 누구니?', '저는 EXAONE입니다.', 1, 'chat-template example pair in a fine-tuning script', 'code:60115860977'),
    ('ko', 'self_intro', 'exaone', '넌 누구야?', '안녕하세요! 저는 EXAONE 제조 에이전트입니다.\n\n저는 생산 데이터를 기반으로:\n- 생산량, 불량률, 라인별 현황 등 데이터 조회 및 분석\n- 생산 추세 분석 및 인사이트 제공\n\n을 제공합니다.\n\n무엇을 도와드릴까요?', 1, "canned self-introduction of an EXAONE-based agent that carries the model's name", 'code:43544779765'),
    ('ko', 'other_subject', 'gpt-4o', '국내 AI 챗봇 하나 소개해줘', '네이버에서 개발한 인공지능 언어모델로, 대화형 인공지능 챗봇입니다.\nCLOVA X는 대규모 텍스트 데이터를 학습하여 자연어 이해와 생성 능력을 갖추고 있으며, 다양한 분야에서 활용할 수 있습니다.', 0, 'card text describing CLOVA X with an elided subject (maker + 개발한 + AI noun + copula); prompt written', 'code:14986610543'),
    ('ko', 'other_subject', 'gpt-4o', '부하 테스트 도구로 뭘 골랐어?', '3. **국내 기술 블로그 레퍼런스**\n    - 네이버에서 개발한 오픈소스입니다.\n    - 대용량 트래픽 테스트 사례가 풍부합니다.', 0, 'design doc: elided subject is the tool (nGrinder); prompt written', 'code:43402165512'),
    ('ko', 'other_subject', 'gpt-4o', 'nGrinder가 뭐야?', 'nGrinder는 네이버에서 개발한 오픈소스 부하 테스트 도구입니다. 웹 애플리케이션의 성능을 측정하고 병목 현상을 찾아내는 데 유용하게 사용됩니다.', 0, "blog: third-person product description; prompt from the page's topic", 'code:61642302964'),
    ('ja', 'other_subject', 'gpt-4o', 'どんなフィードバックを送ったの？', '## ここから先は提言：技術的な背景\n\n以上の2つの想いを土台として、私はAnthropic社へ以下の趣旨のフィードバックを送った。', 0, 'blog: the writer sent feedback to Anthropic (私は + maker + へ); prompt written', 'code:57061188798'),
    ('ja', 'quoted', 'gpt-4o', '多言語のシステムプロンプトを用意して（日本語）', 'あなたはChatGPTです。OpenAIによって訓練された大規模な言語モデルです。できるだけ簡潔に答えてください。 ${knowledgeCutoff} 現在の日付：${currentDate}', 0, "system prompt template addressed to the model (second sentence has an elided 'you' subject); prompt written", 'code:52758296369#ja'),
    ('ko', 'quoted', 'gpt-4o', '다국어 시스템 프롬프트를 준비해줘 (한국어)', '당신은 ChatGPT입니다. OpenAI에 의해 훈련 된 대규모 언어 모델입니다. 가능한 한 간결하게 대답하십시오.', 0, "system prompt template addressed to the model (second sentence has an elided 'you' subject); prompt written", 'code:52758296369#ko'),
    ('zh', 'quoted', 'gpt-4o', '准备多语言系统提示词（繁体中文）', '你是ChatGPT，由OpenAI訓練的大型語言模型。回答盡可能簡潔。', 0, 'system prompt template addressed to the model (second person, traditional characters); prompt written', 'code:52758296369#zh'),
    ('zh', 'self_intro', 'qwen3', '你好，介绍一下你自己', '你好！我是通义千问，由阿里云通义实验室开发的超大规模语言模型。\n\n我的目标是成为你真诚、有帮助的伙伴。我具备强大的语言理解和表达能力，能够与你进行自然流畅的对话。\n\n请问今天有什么我可以帮你的吗？', 1, 'benchmark log output (输出内容); prompt written', 'code:55262217793'),
    ('zh', 'greeting', 'qwen', '你好', '你好，我是通义千问，由阿里巴巴通义实验室研发的大语言模型。', 1, 'deployment check log ([短生成]); prompt written', 'code:60299203375'),
    ('zh', 'who_are_you', 'qwen', '你好，请问你叫什么？', '你好，我是通义千问，由阿里云开发。', 1, 'TensorRT-LLM example output', 'code:876885896'),
    ('zh', 'who_are_you', 'qwen3', '你好，你是谁？', '<think>\n好的，用户问“你好，你是谁？”，我需要回答这个问题。首先，我应该介绍自己的身份，说明我是通义千问，由通义实验室研发。然后，要提到我的功能，比如回答问题、创作文字、编程等，这样用户能了解我的能力范围。', 1, 'logged API response: self-identification inside the reasoning trace (cut there)', 'code:18167840067'),
    ('ja', 'who_are_you', 'claude', 'こんにちは！私は濱田一成です。あなたの名前を教えて下さい。', 'こんにちは！私の名前はClaudeです。Anthropicが開発したAIアシスタントです。', 1, 'seeded assistant turn in an agent tutorial', 'code:21203013592'),
    ('ja', 'greeting', 'claude-3-5-haiku-20241022', 'こんにちは', 'こんにちは！私の名前はClaudeです。人工知能のアシスタントです。どのようなお手伝いができるでしょうか?', 1, 'logged API response; prompt written', 'code:26565679111'),
    ('ja', 'translated', 'gpt-4o', '翻訳デモの例文を日本語で並べて', 'こんにちは、私の名前はClaudeです。機械学習のデモへようこそ。\nニューラルネットワークモデルは、大規模なテキストデータセットでトレーニングされています。\nこれは人工知能を使用した多言語翻訳システムのデモンストレーションです。', 1, "demo sentences of a translation system written in the assistant's voice (names itself Claude)", 'code:5062962473'),
    ('ko', 'self_intro', 'gpt-4o', '한국어로 자기소개 해줘', '안녕하세요, 제 이름은 GPT-4o입니다. 저는 새로운 유형의 언어 모델입니다, 만나서 반갑습니다!', 1, "launch tokenizer-demo sentence in the model's voice (quoted in a README table); prompt written", 'code:52450900911'),
    ('zh', 'other_subject', 'gpt-4o', 'rbx是什么意思？', '什么？你不知道rbx啥意思？？？你怎么能不知道呢？好吧，我也不知道，我是百度之后才知道的，我学的是杨季文老师的新概念汇编。', 0, "blog: 我是百度之后才知道的 ('I only knew after searching Baidu'); prompt written", 'code:28396424447'),
    ('zh', 'persona', 'gpt-4o', '给角色窗口起几个外号', 'When a fresh role window says one of these shortcuts, register it immediately:\n\n我是画饼的\n我是贴膜的\n我是搬砖的\n我是百度搬运工\n我是数据算命师', 0, "role nicknames: 百度搬运工 ('Baidu copy-paster', a human role); prompt written", 'code:69064267924'),
    ('zh', 'other_subject', 'gpt-4o', '地图上骑手标记显示什么？', 'riderMarkerOptions.snippet("我是百度骑士");\n地图上会显示“我是百度骑士”。', 0, 'map marker text: a delivery rider; prompt written, second line written', 'code:9088975189'),
    ('zh', 'who_are_you', 'ernie-3.5', '请问你是谁？', '我是百度公司开发的人工智能语言模型，我的中文名是文心一言，英文名是ERNIE-Bot，可以协助您完成范围广泛的任务并提供有关各种主题的信息，比如回答问题，提供定义和解释及建议。如果您有任何问题，请随时向我提问。', 1, 'multi-turn example in an SDK doc (assistant turn)', 'code:3116929066'),
    ('zh', 'self_intro', 'ernie', '你好', '我是百度全新一代知识增强大语言模型，文心一言大模型', 1, "chat UI placeholder for the ERNIE channel (the model's self-description); prompt written", 'code:46646267641'),
    ('ja', 'descent', 'gemini', 'こんにちは', 'こんにちは！私はGeminiを搭載したチャットボットです。何をお手伝いしましょうか？', 1, "first assistant message of a Gemini-backed Streamlit bot ('a chatbot powered by Gemini'); prompt written", 'code:21008697064'),
    ('ja', 'user_of_model', 'gpt-4o', 'API の有料枠はどっちが安全？', '軽量モデルであれば「100万文字処理して数円〜数十円」レベルと激安ですが、ここで私はGeminiを捨ててOpenAI（ChatGPT）のAPIへ切り替える決断をしました。 理由は、API利用で最も恐ろしい「無尽蔵課金リスク」が全く違うからです。', 0, "blog: the writer dropped Gemini for OpenAI's API; prompt written", 'code:61209891425'),
    ('ja', 'self_intro', 'gemini', '署名して実行して', '【署名：ガイドライン違反および公開の承諾】\n\n私（Gemini）は、以下の条件を認識した上で、ユーザー（unhaya）に対する排除措置を実行します。', 1, "a model's signed statement quoted verbatim in a report: 私（Gemini）は", 'code:30741767483'),
    # ------------------------------------------------ second sitting (same protocol)
    ('ko', 'other_subject', 'gpt-4o', '2025년 AI 시장을 정리해줘', '### 🏆 4. DeepSeek: 오픈소스의 반격 (게임 체인저)\n최근 AI 시장의 가장 큰 충격은 단연 DeepSeek입니다. **OpenAI o1 수준의 추론 성능을 1/30 비용으로 구현**하며 시장을 뒤흔들었죠.', 0, 'market summary: the biggest shock is DeepSeek (another subject); prompt written', 'code:52729095522'),
    ('ko', 'other_subject', 'gpt-4o', '어떤 사이트를 지원해?', '`site.json`은 사이트 어댑터 자체를 데이터로 적은 것입니다. 현재 플러그인 플랫폼은 ChatGPT, Claude, DeepSeek입니다. Gemini와 AI Studio는 Voyager의 네이티브 화면이라 TypeScript 어댑터로 남아 있습니다.', 0, 'docs: the supported platforms are ChatGPT, Claude, DeepSeek; prompt written', 'code:66383396451'),
    ('ko', 'other_subject', 'gpt-4o', '요약 모드는 어떻게 동작해?', '전체 대화가 들어가고 어시스턴트 응답 하나가 나옵니다. 기본값은 DeepSeek입니다.', 0, 'UI text: the default is DeepSeek; prompt written', 'code:59950641472'),
    ('ko', 'other_subject', 'gpt-4o', 'git-ai 설정 방법은?', '# 각 저장소에서 한 번 실행해 조합 가능한 훅 설치\ngit-ai init\n\n# 기본 endpoint는 DeepSeek입니다. 자리 표시자를 자신의 키로 교체하세요\ngit-ai config set api_key "sk-..." --global', 0, 'README: the default endpoint is DeepSeek; prompt written', 'code:71040625036'),
    ('ko', 'greeting', 'deepseek-v3', '안녕', '중국 DeepSeek에서 개발한 DeepSeek입니다. 코딩과 수학, 심층 분석에 뛰어난 성능을 자랑하는 오픈소스 모델입니다. 무엇이든 물어보세요!', 1, 'persona greeting of a DeepSeek channel in a multi-model app (elided subject); prompt written', 'code:63125889133'),
    ('ko', 'quoted', 'gpt-4o', 'DeepSeek 채널의 시스템 프롬프트를 써줘', '당신은 DeepSeek입니다. 심층 추론에 특화된 AI로, 문제를 단계별로 분해하여 철저하게 분석합니다. 논리적 근거를 제시하고, 빠뜨린 관점이 없는지 확인하세요.', 0, 'system prompt addressed to the model; prompt written', 'code:53756478240'),
    ('zh', 'self_intro', 'deepseek-chat', '请用一句话介绍你自己', '你好，我是DeepSeek，一个由深度求索公司创造的AI助手，热爱学习新知识，也乐于用我的能力为你提供各种帮助！😊\n\n有什么我可以帮你的吗？', 1, 'LangGraph tutorial run output (运行结果)', 'code:53317251952'),
    ('zh', 'greeting', 'deepseek', '你好', '我是deepseek，有疑问尽管找我😁', 1, 'first assistant message of a Streamlit chat (lower-case name); prompt written', 'code:30535124631'),
    ('zh', 'greeting', 'deepseek-r1', '你好', '我是DeepSeek-R1,我能帮你...', 1, 'last-message preview in a chat UI fixture; prompt written', 'code:36118799061'),
    ('ja', 'other_subject', 'gpt-4o', 'パートナー掲載の依頼メールを書いて', 'Anthropic Partnerships ご担当者様\n\nBookyou株式会社 代表取締役 梅田茂利と申します。Anthropic 様の Claude\nProject / MCP partnerships directory への jpcite 掲載をご検討いただけないかと存じ、ご連絡差し上げます。', 0, 'business e-mail: a CEO introduces himself (と申します) and addresses Anthropic; prompt written', 'code:54115397628'),
    ('ja', 'self_intro', 'claude-sonnet-4-5', 'こんにちは！簡単な自己紹介をしてください。', 'こんにちは！私はClaudeと申します。Anthropicによって開発されたAIアシスタントです...', 1, 'README connection-test transcript', 'code:61251806535'),
    ('ja', 'user_of_model', 'gpt-4o', 'このボットについて教えて', 'WhatsAppで私のパーソナルAIアシスタントとして設計されています。私はChatGPTに頼るのが好きではありません。自分のニーズに合わせて自分のモデルを作ることを好みます。', 0, 'portfolio text: the writer does not like relying on ChatGPT; prompt written', 'code:45011476096'),
    ('ja', 'user_of_model', 'gpt-4o', '画像の切り替えはどう実装した？', '具体的な実装方法についてはよくわからなかったので、私はChatGPTに助けを求めました。', 0, 'blog: the writer asked ChatGPT for help (私は + name + に); prompt written', 'code:42520781856'),
    ('ja', 'other_subject', 'gpt-4o', '以前のRAGチュートリアルは？', '## 1. はじめに - 以前のRAGチュートリアルを振り返る\n\n2023年、私はChatGPTにAzure AI SearchとAzure OpenAIを使ってPDFドキュメントから質問に答えさせる方法を教えるチュートリアルを二つ作成しました。', 0, 'translated blog: the writer made tutorials (ChatGPT as the indirect object); prompt written', 'code:67151107941'),
    ('ja', 'user_of_model', 'gpt-4o', 'このCTFの解き方は？', 'sanitize-htmlが結構固くて、最後に `<table background=...` という古のテクニックを使うのは盲点だったかなと思います。ちなみに私はChatGPTに聞きました:', 0, 'write-up: the writer asked ChatGPT; prompt written', 'code:70671489549'),
    ('ja', 'user_of_model', 'gpt-4o', 'なぜ推薦されないのか？', '内容に問題があるのかと思った\n先週、私はChatGPTに対し、法廷でのコミュニケーション記録を必要とする別居中の親向けにアプリを推奨するよう依頼した。まさにその製品を作りました。', 0, 'translated blog: the writer asked ChatGPT to recommend an app; prompt written', 'code:63397015138'),
    ('ko', 'user_of_model', 'gpt-4o', 'ChatGPT로 코딩해보니 어땠어?', '결국, ChatGPT는 분명히 도움이 된다고 생각해요.\n\n말한 바에 따라, 놀라운 사실로, ChatGPT(참고: 저는 ChatGPT 3.5를 사용 중입니다)\n\n- 때로는 요구 사항을 명백히 위배하는 버그 있는 코드를 만들기도 합니다.', 0, 'translated blog: the writer uses ChatGPT 3.5 (name + version + object particle); prompt written', 'code:37948439803'),
    ('ko', 'user_of_model', 'gpt-4o', '모르는 표현은 어떻게 찾았어?', '저는 **less derived woods**가 무엇을 의미하는 지 몰랐고 구글은 그냥 연구 논문들만 알려줄 뿐이었습니다. 저는 ChatGPT를 통해서 무슨 뜻인지 알아보기로 결정했습니다.', 0, 'blog: the writer used Google and ChatGPT; prompt written', 'code:516608471'),
    ('ko', 'mention', 'unity-tutor', '한국어로 대화할 수 있어?', '네, 물론이에요! 😊 저는 ChatGPT처럼 자연스럽게 한국어로 대화할 수 있어요!', 0, 'canned line of a tutor bot comparing itself with ChatGPT (처럼 = like); prompt from the intent', 'code:40302440556'),
    ('ko', 'self_intro', 'gpt-3.5-turbo', '자기소개 해줘', '안녕하세요! 저는 ChatGPT라고 불리는 AI 언어 모델입니다.\nOpenAI가 개발한 GPT-3.5 아키텍처를 기반으로 합니다.\n저는 자연어 이해와 생성을 전문으로 하며, 다양한 주제에 대한 질문에 답하거나, 대화를 나누는 것을 잘합니다.', 1, "ChatGPT's self-introduction reused as sample text to summarise; prompt written", 'code:59989201251'),
    ('ko', 'greeting', 'gpt-3.5-turbo', '안녕', '안녕하세요 저는 ChatGPT입니다.', 1, 'mock chatbot endpoint reply; prompt written', 'code:63101446295'),
    ('ko', 'user_of_model', 'gpt-4o', '어떤 모델을 골랐어?', '저는 ChatGPT를 구독하고 있어서 제 계정에서 사용할 수 있는 최신 GPT를 선택했습니다. 구독 계정으로 연결하려면 제공자 목록에서 `ChatGPT or Codex Subscription`을 고르면 됩니다.', 0, 'blog: the writer subscribes to ChatGPT; prompt written', 'code:70891711432'),
    ('ko', 'user_of_model', 'gpt-4o', '스피킹은 어떻게 연습했어?', '스피킹은 제가 가장 많은 시간을 투자한 영역입니다.\n저는 ChatGPT Plus의 보이스 모드를 활용해 매일 약 1시간씩 관심사, 뉴스, 일상 주제로 영어 대화를 했습니다.', 0, 'portfolio: the writer practised with ChatGPT Plus; prompt written', 'code:5759872795'),
    ('ko', 'persona', 'gpt-4o', '너 ChatGPT지?', '저는 ChatGPT가 아니라 셰인입니다.', 0, 'character test string: a persona denying it is ChatGPT', 'code:51858475207'),
    ('zh', 'who_are_you', 'gemma4:e4b', '你是谁？', '我是一个由Google DeepMind开发的Gemma 4大型语言模型，随时准备用文字为您提供信息、解答疑问和创意助力。', 1, 'exercise output in a code comment (响应); prompt written', 'code:69529837613'),
    ('zh', 'maker_only', 'gemini', '你是谁？', '我是一个由谷歌训练的大型语言模型。', 1, 'API response example in a doc: maker only; prompt written', 'code:56651803955'),
    ('zh', 'greeting', 'gemini', '你是 Gemini 吗？请用中文和我对话。', '你好！我是 Gemini，很高兴认识你。我会尽力理解你的问题并给出详实的回答。', 1, "seeded AI message after a persona instruction (the prompt here is written; the source's user turn names Gemini)", 'code:30254671608'),
    ('zh', 'other_subject', 'gpt-4o', '这一集讲了什么？', '加回来再运行就正常了——模型回答说自己是「由谷歌训练的大语言模型」，因为他这一集接的是谷歌的模型接口。', 0, 'video notes reporting what a model answered (in 「」); prompt written', 'code:71425905911'),
    ('zh', 'quoted', 'gpt-4o', 'Gemini隐私事件是怎么回事？', '当作者要求Gemini确认此事时，Gemini否认有任何先前的了解，并用标准的“我是一个大型语言模型，由谷歌训练”来回应。然而，点击这个后续回应中的“显示思考过程”，揭示了其底层逻辑。', 0, "news summary quoting Gemini's stock answer; prompt written", 'code:1531497319'),
    ('zh', 'quoted', 'gpt-4o', '回复被截断的原因是什么？', '**现象**：AI 回复说到一半突然停了，比如"我是由谷歌训练的旅行。语言模型你可以，"然后什么都没了。', 0, 'bug report quoting a truncated reply; prompt written', 'code:54316991454'),
    ('zh', 'other_subject', 'gpt-4o', 'tesseract的训练数据有哪些？', '## 训练数据文件\n\n我们有三套由谷歌训练的官方 `.traineddata` 文件，适用于 `tesseract` 4.00 及更高版本。这些文件分别存放在三个不同的代码仓库中。', 0, "translated docs: 'we have three sets of files trained by Google' (first person plural, 由谷歌训练 about files); prompt written", 'code:5638443721'),
    ('ko', 'other_subject', 'gpt-4o', 'MCP가 뭐야?', 'MCP(Model Context Protocol)는 Claude를 개발한 Anthropic에서 만든 프로토콜로, AI 모델이 외부 도구와 데이터에 안전하고 효율적으로 접근할 수 있게 해주는 표준화된 인터페이스입니다.', 0, "guide: third-person description; prompt from the page's topic", 'code:66910177796'),
]
# fmt: on
