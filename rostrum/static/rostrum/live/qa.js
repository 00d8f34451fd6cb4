// Questions and answers: attendees ask; organisers answer publicly or privately, or dismiss.

import { el, format, linkify, reconcile, setText, show, timeOf } from "./dom.js";
import { isOrganiser } from "./reducer.js";

const $ = (id) => document.getElementById(id);

export function setUpQa(room) {
  const form = $("live-qa-form");
  const text = $("live-qa-text");
  form.addEventListener("submit", async (submit) => {
    submit.preventDefault();
    const question = text.value.trim();
    if (!question) {
      room.say($("live-qa-message"), room.strings.qa_empty_text);
      text.focus();
      return;
    }
    const control = form.querySelector("button[type=submit]");
    if (await room.send("qa.ask", { text: question }, { control, status: $("live-qa-message") })) {
      text.value = "";
      room.say($("live-qa-message"), room.strings.qa_asked);
    }
  });
}

function createQuestion(room, question) {
  const { strings } = room;
  const answerId = `live-qa-answer-${question.id}`;
  const answerText = el("textarea", { id: answerId, rows: 2, maxlength: 2000 });
  const answer = async (click, isPrivate) => {
    const text = answerText.value.trim();
    if (!text) {
      room.say($("live-qa-message"), strings.qa_empty_answer);
      answerText.focus();
      return;
    }
    const data = { question_id: question.id, text, private: isPrivate };
    if (await room.send("qa.answer", data, { control: click.currentTarget, status: $("live-qa-message") })) {
      answerText.value = "";
    }
  };
  const answerForm = el(
    "div",
    { className: "live-qa-answer-form" },
    el("label", { for: answerId }, format(strings.qa_your_answer, { name: question.author.name })),
    answerText,
    el(
      "div",
      { className: "live-buttons" },
      el("button", { type: "button", className: "live-answer-public", onclick: (c) => answer(c, false) }, strings.qa_answer_publicly),
      el(
        "button",
        { type: "button", className: "secondary live-answer-private", onclick: (c) => answer(c, true) },
        strings.qa_answer_privately,
      ),
      el(
        "button",
        {
          type: "button",
          className: "secondary live-dismiss",
          "aria-label": format(strings.qa_dismiss_label, { name: question.author.name }),
          onclick: (click) =>
            room.send("qa.dismiss", { question_id: question.id }, { control: click.currentTarget, status: $("live-qa-message") }),
        },
        strings.qa_dismiss,
      ),
    ),
  );
  return el(
    "li",
    { className: "live-qa-item" },
    el(
      "p",
      { className: "live-chat-meta" },
      el("span", { className: "live-chat-author" }, question.author.name),
      el("span", { className: "live-badge live-qa-state" }),
      el("time", { datetime: question.at, className: "live-muted" }, timeOf(question.at, room.lang)),
    ),
    el("p", { className: "live-qa-text" }, linkify(question.text)),
    el(
      "div",
      { className: "live-qa-answer", hidden: true },
      el("p", { className: "live-qa-answer-label" }),
      el("p", { className: "live-qa-answer-text" }),
    ),
    answerForm,
  );
}

function updateQuestion(room, node, question) {
  const { strings, state } = room;
  const stateBadge = node.querySelector(".live-qa-state");
  setText(stateBadge, strings[`qa_state_${question.state}`] || question.state);
  stateBadge.dataset.state = question.state;
  node.dataset.state = question.state;
  const answered = question.state === "answered" && Boolean(question.answer);
  show(node.querySelector(".live-qa-answer"), answered);
  if (answered) {
    setText(
      node.querySelector(".live-qa-answer-label"),
      question.answered_privately ? strings.qa_answered_privately : strings.qa_answer,
    );
    const answerText = node.querySelector(".live-qa-answer-text");
    if (answerText.dataset.text !== question.answer) {
      answerText.replaceChildren(linkify(question.answer));
      answerText.dataset.text = question.answer;
    }
  }
  // A private answer may still become a public one; a public answer is final.
  const organiser = isOrganiser(state.me.role) && state.session.state !== "ended";
  const mayAnswer = organiser && (question.state === "open" || (question.state === "answered" && question.answered_privately));
  show(node.querySelector(".live-qa-answer-form"), mayAnswer);
  show(node.querySelector(".live-dismiss"), organiser && question.state === "open");
}

export function renderQa(room) {
  const { state } = room;
  reconcile($("live-qa-list"), state.questions, {
    create: (question) => createQuestion(room, question),
    update: (node, question) => updateQuestion(room, node, question),
  });
  show($("live-qa-empty"), state.questions.length === 0);
  const form = $("live-qa-form");
  for (const control of form.elements) control.disabled = state.session.state === "ended";
}
