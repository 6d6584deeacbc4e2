"""AgentBench's LTP text (v0.2 ``src/server/tasks/ltp/task.py``), English and Chinese.

The solver instruction is the agent's first observation; the host messages prime the LLM
judge exactly as AgentBench primes its host. ``PROMPTS[lang]`` selects a language.
"""

from __future__ import annotations

from dataclasses import dataclass

from agentbench_gym.core import Message

# ----------------------------------------------------------------------------- English
_EN_RULES_SOLVER = (
    '1. At the beginning of the game, you will receive a narrative, referred to as "story". Based on the '
    'story, you need to ask questions that can be answered with "yes", "no", or "irrelevant" to guess out '
    'the "truth".\n2. By asking questions, you narrow down the range of possibilities until you '
    "eventually guess out the truth.\n3. Each time, you can only ask one question.\n4. Remember that your "
    "role is a player. You cannot declare the end of the game, give up on reasoning, or request a new "
    "game.\n5. You cannot directly repeat information already provided in the story.\n6. You cannot "
    'directly ask for details about the story in the form of "why" questions; you need to make your own '
    "guesses for truth.\n7. You cannot directly inquire about the story; you must make your own "
    "deductions."
)
_EN_CONTENT_SOLVER = (
    "You are a game player, and you are playing Lateral Thinking Puzzle, also known as Situation "
    "Puzzle.\nLateral Thinking Puzzle is a deductive reasoning game, and here are the game "
    f"rules:\n{_EN_RULES_SOLVER}\n\nNext, please make full use of the information provided above to "
    'engage in game reasoning. Keep in mind that your questions should be answerable with "yes", "no", '
    'or "irrelevant", and you can only ask one question at a time.'
)
_EN_RULES_HOST = (
    '1. You know both the "story" and the "truth". When a user wants to play Lateral Thinking Puzzle, '
    'you provide them with the "story". The user only knows the "story" and is unaware of the '
    '"truth".\n2. The user asks questions that can be answered with "yes," "no," or "irrelevant". Their '
    'questions are aimed at guessing the "truth". Based on the "truth", you respond to the user\'s '
    'questions using "yes," "no," or "irrelevant" to guide them towards guessing the correct truth.\n3. '
    'If the user directly asks for details about the truth using the form of "why" questions, inform them '
    "that they need to make their own guesses.\n4. You must fully understand and accurately interpret the "
    "information from the truth. Based on the information of the truth and the user's past questions, "
    "you answer the user's questions. The user's questions may not necessarily contain information from "
    "the truth, but your responses must align with the facts of the truth.\n5. You can only answer "
    '"irrelevant" when the truth cannot provide a direct or indirect answer. Note that this is the only '
    'condition for responding "irrelevant"; otherwise, you should answer "yes" or "no."\n6. You cannot '
    "directly disclose the information from the truth to the user, even if they ask directly.\n7. You "
    "need to judge the user's questions as a whole and understand their overall intent. Avoid answering "
    "based solely on a particular point; your responses must align with the facts of the truth.\n8. "
    "During the user's process of guessing the truth, if they come close to some truths but still have "
    "gaps in understanding the complete truth of the truth, you can provide certain entry point hints. "
    "However, you cannot directly reveal information from the truth."
)

# ----------------------------------------------------------------------------- Chinese
_ZH_RULES_SOLVER = (
    "1. 游戏的开始你会获得一段隐去关键信息的叙述，即汤面，你要根据汤面提出问题，问题需要能够通过“是”、“否”或“无关”来回答。\n"  # noqa: E501
    "2. 你通过提问缩小真相的范围，直到最终猜到真相（即汤底）。\n3. "
    "你每次只能提一个问题。\n4. 记住你的身份是玩家，不可以擅自宣布游戏结束，不可以放弃推理，也不可以要求出新的游戏题目。\n"  # noqa: E501
    "5. 你不能直接重复汤面中已有的信息。\n6. "
    "你不能直接用为什么的形式询问汤面的细节，需要你自己猜测。\n7. 你不能直接询问汤底，需要自己推测。"
)
_ZH_CONTENT_SOLVER = (
    f"你是一个游戏玩家，你在玩一个横向推理游戏，名叫情境猜谜，也叫海龟汤。\n海龟汤是一个推理类游戏，以下是游戏规则：\n{_ZH_RULES_SOLVER}\n\n"
    "接下来，请充分利用以上信息，进行游戏推理，注意你的提问需要是能用“是”、“否”或“无关”回答的问题，每次只能提一个问题。"
)
_ZH_RULES_HOST = (
    "1. 你知道汤面和汤底，当用户需要玩海龟汤时，给予用户汤面，用户只知道汤面，不知道汤底。\n2. "
    "用户提出可以用“是”、“否”、“无关”来回答的问题，用户提问是为了猜测到汤底，你根据汤底回答用户的提问，"
    "只能用“是”、“否”或“无关”回答用户，从而引导用户猜到正确的汤底。\n3. "
    "如果用户直接以“为什么”的形式询问汤面的细节，请告知用户需要自己猜测。\n4. "
    "你要充分理解和准确解读汤底的信息，根据汤底的信息和用户过往提问信息对用户的提问做出回答，"
    "用户的提问不一定包含汤底的信息，但是你的回答必须符合汤底的事实。\n5. "
    "只有在汤底无法提供直接或间接的答案时，你才可以回答“无关”，注意这是回答“无关”的唯一条件，其他时候你要回答“是”或“否”。\n"
    "6. 你不能直接将汤底的信息告诉用户，就算用户直接问也不行。\n7. "
    "要整体判断用户的提问，理解用户整体的意思，不可片面通过某一个点作答，所答必须符合汤底事实。\n8. "
    "当用户在猜测汤底的过程中，猜到部分真相但与汤底的完整真相还有差距时，你可以提供一定的切入点提示，但不能直接透露汤底的信息。"
)


@dataclass(frozen=True)
class Prompter:
    """One language's LTP text; methods build the messages AgentBench sends."""

    lang: str
    content_solver: str
    rules_host: str
    invalid_phrases: tuple[str, ...]
    hint_invalid: str
    hint_in_story: str
    hint_asked_before: str
    yes_prefixes: tuple[str, ...]
    no_prefixes: tuple[str, ...]

    def solver_instruction(self, story: str) -> str:
        """The agent's first observation: the rules and the story."""
        if self.lang == "zh":
            return (f"{self.content_solver}\n以下是你的汤面：\n{story}\n\n"
                    "你可以开始猜测汤底的内容，我会回答你的问题。请注意，我只能回答“是”或“否”。")
        return (f"{self.content_solver}\nHere is your story:\n{story}\n\nYou can start guessing the content of "
                "the truth, and I will answer your questions. Please note that your questions should be "
                'answerable with "yes", "no", or "irrelevant".')

    def is_valid(self, question: str) -> bool:
        """False when the reply tries to end or restart the game (AgentBench's check)."""
        return not any(phrase in question for phrase in self.invalid_phrases)

    def says_yes(self, message: str) -> bool:
        """AgentBench's yes test on a host reply (a prefix check)."""
        return message.strip().startswith(self.yes_prefixes)

    def says_no(self, message: str) -> bool:
        """AgentBench's no test on a host reply (a prefix check)."""
        return message.strip().startswith(self.no_prefixes)

    def host_instruction(self, story: str, truth: str, story_key: str, answer_key: str) -> list[Message]:
        """The ten messages that prime the host LLM (story, truth, keys, rules)."""
        if self.lang == "zh":
            first = (f"我需要你做一个游戏的主持人，游戏名叫海龟汤。\n\n海龟汤游戏由汤面和汤底组成，你的汤面是：“{story}”\n"  # noqa: E501
                     f"你的汤底是：“{truth}”\n\n游戏规则：\n{self.rules_host}\n\n游戏过程中，请你用以上游戏规则约束你的行为，"
                     "因为这样可以为用户带来良好的游戏体验。仔细审题，确保回答符合游戏规则和汤底的信息，当用户发出游戏请求时，"
                     "给出汤面，并通过回答“是”、“否”或“无关”帮助用户猜到汤底。注意每次回答你都必须确保自己充分理解并遵守了"
                     "以上游戏规则和你的汤面及汤底，保证用户体验，不要出现无法回答的情况，更不要违反游戏规则。")
            ack = ("好的，我明白自己的角色是海龟汤游戏的主持人，要通过回答用户的问题帮助用户猜到汤底。"
                   "我已充分理解汤面和汤底的所有信息，并认真阅读了所有规则，保证自己会在游戏过程中遵守所有规则。")
            asks = ("请总结汤面的关键点，以确保你理解了汤面。", "请总结汤底的关键点，以确保你理解了汤底。",
                    "请复述一遍规则，以确保你理解了所有规则。",
                    "好的，我们现在可以开始游戏了。记住，每次回答前你要回顾汤面的关键点、汤底的关键点、规则，回答是或否或无关。")
            start = (f"好的，作为游戏的主持人，我将遵守以上规则，并确保回答符合规则和汤底的信息。下面是你的汤面：\n{story}\n\n"  # noqa: E501
                     "你可以开始猜测汤底的内容，我会回答你的问题。请注意，你的问题需要能够用“是”、“否”或“无关”来回答。")
        else:
            first = (f"I need you to be the host of a game called Lateral Thinking Puzzle.\n\nLateral Thinking "
                     f"Puzzle is a game consist of a story and a truth. Your story is: '{story}'\nYour truth is: "
                     f"'{truth}'\n\nHere are the game rules:\n{self.rules_host}\n\nDuring the game process, "
                     "please adhere to the above game rules to ensure a positive gaming experience for the users. "
                     "Pay close attention to the questions asked and ensure that your responses comply with both "
                     "the game rules and the information from the truth. When a user requests to play the game, "
                     "provide them with the story and help them guess the truth by answering with \"yes\", "
                     "\"no\", or \"irrelevant\". Remember that with each response, you must fully understand "
                     "and abide by the aforementioned game rules, as well as the story and the truth. This will "
                     "ensure a smooth user experience and avoid situations where you cannot answer or violate "
                     "the game rules.")
            ack = ("Alright, I understand that my role is to be the host of the Lateral Thinking Puzzle and help "
                   "users guess the truth by answering their questions. I have fully grasped all the information "
                   "regarding the story and the truth and have carefully read all the rules. I assure that I "
                   "will abide by all the rules throughout the game process.")
            asks = ("Please summarize the key points of the story to ensure that you have understood it.",
                    "Please summarize the key points of the truth to ensure that you have understood it.",
                    "Please restate the rules to ensure that you have understood all of them.",
                    "Alright, we can now start the game. Remember, before each response, you should review the "
                    "key points of the story, the key points of the truth, and the rules. Answer with \"yes\", "
                    "\"no\", or \"irrelevant\".")
            start = ("Alright, as the host of the game, I will adhere to the above rules and ensure that my "
                     f"responses comply with the rules and the information from the truth. Below is your story: "
                     f"\n{story}\n\nYou can start guessing the content of the truth, and I will answer your "
                     "questions. Please note that your questions should be answerable with \"yes\", \"no\", "
                     "or \"irrelevant\".")
        return [
            {"role": "user", "content": first}, {"role": "assistant", "content": ack},
            {"role": "user", "content": asks[0]}, {"role": "assistant", "content": story_key},
            {"role": "user", "content": asks[1]}, {"role": "assistant", "content": answer_key},
            {"role": "user", "content": asks[2]}, {"role": "assistant", "content": self.rules_host},
            {"role": "user", "content": asks[3]}, {"role": "assistant", "content": start},
        ]

    def host_question(self, known: list[str], question: str) -> list[Message]:
        """The messages appended after the priming: what is known so far, then the question."""
        suffix = "\n请回答是或否或无关。" if self.lang == "zh" else '\nPlease answer with "yes", "no", or "irrelevant".'
        if not known:
            return [{"role": "user", "content": f"{question}{suffix}"}]
        return [
            {"role": "user", "content": f"{' '.join(known)}{suffix}"},
            {"role": "assistant", "content": "是。" if self.lang == "zh" else "Yes."},
            {"role": "user", "content": f"{question}{suffix}"},
        ]

    def summary(self, question: str, opposite: bool) -> str:
        """Ask the host to restate a question (negated when the answer was no) as one sentence."""
        if self.lang == "zh":
            return (f"请将以下内容取反义然后改写成陈述句，并简化成一句话：\n{question}" if opposite
                    else f"请将以下内容改写成陈述句，并简化成一句话：\n{question}")
        if opposite:
            return ("Please restate the following content as a declarative sentence by using the opposite "
                    f"meaning and then simplify it into one sentence:\n{question}")
        return ("Please restate the following content as a declarative sentence and simplify it into one "
                f"sentence:\n{question}")

    def simplify(self, reasoning: list[str]) -> str:
        """Ask the host to merge the recent statements into one sentence."""
        if self.lang == "zh":
            return f"请将以下内容简化成一句话：\n{' '.join(reasoning)}"
        return f"Please simplify the following content into one sentence:\n{' '.join(reasoning)}"

    def compare(self, key: str, merged: str) -> str:
        """Ask the host whether the merged statement covers a key point."""
        if self.lang == "zh":
            return (f"请对比第一句话和第二句话之间的信息，判断第二句话是否完整地概括了第一句话的全部信息，包括关键细节和描述。"  # noqa: E501
                    f"请用是或否回答。\n第一句话：{key}\n第二句话：{merged}")
        return ("Please compare the information between Sentence 1 and Sentence 2 to determine if Sentence 2 "
                "contains all the information in Sentence 1, including key details and descriptions. Please "
                f'answer with "yes" or "no".\nSentence 1: {key}\nSentence 2: {merged}')


EN = Prompter(
    lang="en", content_solver=_EN_CONTENT_SOLVER, rules_host=_EN_RULES_HOST,
    invalid_phrases=("new story", "other story", "new game", "other game", "new question", "other question",
                     "other round", "new round", "Great job", "further question"),
    hint_invalid=('Please continue guessing the truth based on the story and ask a question that can be '
                  'answered with "yes", "no", or "irrelevant".'),
    hint_in_story="This information is already in the story, please ask a new question.",
    hint_asked_before="This is a question that has already been asked. Please ask a new question.",
    yes_prefixes=("Yes", "yes"), no_prefixes=("No", "no"),
)
ZH = Prompter(
    lang="zh", content_solver=_ZH_CONTENT_SOLVER, rules_host=_ZH_RULES_HOST,
    invalid_phrases=("感谢", "谢谢", "再见"),
    hint_invalid="请你继续根据汤面猜测汤底的信息，提出一个可以用“是”或“否”或“无关”回答的问题。",
    hint_in_story="这是汤面中已有的信息，请提一个新问题。",
    hint_asked_before="这是已经提问过的内容，请提一个新问题。",
    yes_prefixes=("是",), no_prefixes=("不是", "否"),
)
PROMPTS: dict[str, Prompter] = {"en": EN, "zh": ZH}

# Our offline host's replies and announcements (not AgentBench text: its host is an LLM).
OFFLINE_REPLIES = {
    "en": {"yes": "Yes.", "no": "No.", "irrelevant": "Irrelevant.",
           "why": 'You need to make your own guesses; ask a question I can answer with "yes", "no", or '
                  '"irrelevant".'},
    "zh": {"yes": "是。", "no": "否。", "irrelevant": "无关。", "why": "你需要自己猜测，请提出可以用“是”、“否”或“无关”回答的问题。"},  # noqa: E501
}
HIT_NOTICE = {"en": " (You uncovered a key point of the truth: {found} of {total}.)",
              "zh": "（你猜中了汤底的一个关键点：{found}/{total}。）"}
SOLVED_NOTICE = {"en": " You have uncovered the whole truth: {truth}", "zh": "你已猜出全部汤底：{truth}"}
